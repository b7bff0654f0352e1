"""The `tutor` subcommands, a module per family: learn (open, watch, run, check), progress,
serve, class_view (`tutor class`), password and authoring (schema, new, export). Each module
declares its commands' options (`add_parsers`) beside the bodies that read them, and each body
takes the parsed arguments and returns an exit code; `tutor.cli` assembles the parser, reads
the command line in the user's language and dispatches."""
