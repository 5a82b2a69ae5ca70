#!/usr/bin/env python
"""Same as the `dajuan` console script, for those who expect manage.py."""

from dajuan.__main__ import main

if __name__ == "__main__":
    main()
