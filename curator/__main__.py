"""`python -m curator`: the `curator` console script, for an environment without it on PATH."""

from curator.cli import main

if __name__ == "__main__":
    main()
