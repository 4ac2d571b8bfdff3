"""ovirt-shell: a command-line shell for oVirt engines, and ovirt-sim, a local engine simulator."""

__version__ = "0.1.0"
