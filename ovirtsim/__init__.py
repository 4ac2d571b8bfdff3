"""ovirt-sim: a local oVirt engine simulator (REST API v4, XML and JSON, SSO, search, faults).

It imports nothing from ``ovirtshell`` so that it can be run (and trusted as a stand-in for
a real engine) on its own. Tests use :func:`ovirtsim.testing.run_simulator`; the layers are
described in docs/architecture.md.
"""
