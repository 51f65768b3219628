"""`python -m defgraph ...` runs the command line, as `defgraph ...` does."""

from .cli import main

if __name__ == "__main__":
    main(prog_name="defgraph")
