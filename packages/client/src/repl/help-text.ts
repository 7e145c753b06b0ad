/** What `help` prints. */
export const HELP_LINES = [
  'commands:',
  '  list                 the server’s tools',
  '  call <tool> [json]   call a tool; without JSON you are asked for each argument',
  '  status               whether and until when you are signed in',
  '  logout               forget the tokens for this server',
  '  help                 this list',
  '  quit, exit           leave (Ctrl-D does too)',
  'Tab completes commands and tool names; Ctrl-C cancels a running call.',
  'History skips lines that mention a token, password, secret, API key or authorization.',
] as const;
