"""The command line: `parser` builds the command tree, one module per command group runs it.

Handlers format what the core returns; they hold no rules of their own (those are in
`app.core.desk` and `app.core.credentials`, which the window uses too). Output is English:
scripts parse it.
"""
