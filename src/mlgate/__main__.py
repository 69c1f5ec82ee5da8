"""Allow ``python -m mlgate``."""

from mlgate.cli import main

if __name__ == "__main__":
    main()
