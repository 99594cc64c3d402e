"""The media relay on aiortc: encoded-frame passthrough, no transcoding.

Dependency rule: imports aiortc/av but never ``session_room`` or ``signaling``; it
knows participants only as opaque string ids. aiortc's camelCase API and string
states stay inside this package, and all use of aiortc *internals* sits in
:mod:`media.aiortc_internals`.
"""

__all__: list[str] = []
