"""Passwords of the simulator's users: the default, hashing and checking.

The default admin password must not occur in a URL or in ordinary output: Ansible's
``no_log`` masks every occurrence of a password in a module's result, so with ``ovirt``
(part of ``/ovirt-engine/api``) every ``ovirt.ovirt`` module failed with a 404.
"""

from __future__ import annotations

DEFAULT_ADMIN_PASSWORD = "Demo-4xQ9"
