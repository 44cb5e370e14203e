"""``TYPE_CHECKING`` without importing ``typing``.

Importing ``typing`` costs milliseconds on every lint run; type checkers treat
any name ``TYPE_CHECKING`` as true, so modules import it from here.
"""

TYPE_CHECKING = False
