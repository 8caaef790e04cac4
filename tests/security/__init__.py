"""Attack tests: one running hub per test module and deployment shape (the ``hut`` fixture).

Every case in this package is an attack that a security review ran against the hub from
outside (issue "Close the holes a security review found"); docs/SECURITY.md lists each
attack class with the test that proves it is refused.
"""
