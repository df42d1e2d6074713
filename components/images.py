"""Container image references: the grammar registries accept, and whether a reference can change under you.

The grammar is the one Docker, containerd and the OCI registries share (distribution/reference,
https://github.com/distribution/reference/blob/main/reference.go)::

    reference := name [ ":" tag ] [ "@" digest ]
    name      := [ domain "/" ] path-component [ "/" path-component ]*
    domain    := host [ ":" port ]
    path-component := [a-z0-9]+ ( ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ )*
    tag       := [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
    digest    := algorithm ":" hex, e.g. sha256 and 64 lowercase hex digits

A reference without a tag or digest means ``:latest``. A tag can be moved to another image; only a digest
names one image for good (https://learn.microsoft.com/azure/container-registry/container-registry-image-tag-version).
"""

from __future__ import annotations

import re

__all__ = ["image_reference_problem", "is_mutable_image"]

_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|\[[0-9a-fA-F:.]+\])(?::[0-9]+)?"
_PATH_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_TAG = r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"
_REFERENCE = re.compile(
    rf"(?P<name>(?:{_DOMAIN}/)?{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*)(?::(?P<tag>{_TAG}))?(?:@(?P<digest>{_DIGEST}))?"
)
_MAX_NAME = 255


def image_reference_problem(image: str) -> str | None:
    """What is wrong with ``image`` as a container image reference, or None when it is valid."""
    if not image or image != image.strip() or any(c.isspace() for c in image):
        return "is not an image reference: it contains spaces (registry/repository:tag or @sha256:digest)"
    match = _REFERENCE.fullmatch(image)
    if match is None:
        repository = image.split("@", 1)[0].rsplit(":", 1)[0] if "/" in image else image
        if any(c.isupper() for c in repository.split("/", 1)[-1]):
            return "is not an image reference: the repository must be lowercase (registry/repository:tag)"
        return (
            "is not an image reference: expected registry/repository:tag or registry/repository@sha256:digest "
            "(lowercase repository; a tag of letters, digits, '_', '.' and '-')"
        )
    if len(match.group("name")) > _MAX_NAME:
        return f"is not an image reference: the name is longer than {_MAX_NAME} characters"
    return None


def is_mutable_image(image: str) -> bool:
    """Whether ``image`` can point at another image later: no digest, and a ``latest`` tag or no tag at all."""
    match = _REFERENCE.fullmatch(image.strip())
    if match is None:
        return True
    return match.group("digest") is None and match.group("tag") in (None, "latest")
