"""Media backups through the storage API, so they work for local disk and object storage alike.

``dump_media`` writes every file of the default storage (originals and renditions) into a tar
archive; ``load_media`` writes them back into an empty storage under the same names.
"""

import io
import posixpath
import tarfile

from django.core.files.base import ContentFile


class StorageNotEmpty(Exception):
    pass


def storage_names(storage, folder=""):
    """Every file name in the storage, depth first, sorted (through ``listdir`` only)."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # a local MEDIA_ROOT that was never created holds nothing
        return
    for name in sorted(files):
        yield posixpath.join(folder, name) if folder else name
    for name in sorted(folders):
        yield from storage_names(storage, posixpath.join(folder, name) if folder else name)


def dump_media(storage, archive):
    """Write every file of ``storage`` into the tar file object ``archive``; return the count."""
    count = 0
    with tarfile.open(fileobj=archive, mode="w|") as tar:
        for name in storage_names(storage):
            with storage.open(name, "rb") as file:
                data = file.read()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data))
            count += 1
    return count


def load_media(storage, archive):
    """Write the files of a ``dump_media`` archive into an empty ``storage``; return the count."""
    if any(True for _ in storage_names(storage)):
        raise StorageNotEmpty("The media storage is not empty; restore into an empty one.")
    count = 0
    with tarfile.open(fileobj=archive, mode="r|") as tar:
        for member in tar:
            if not member.isfile():
                continue
            name = posixpath.normpath(member.name)
            if name.startswith(("/", "..")):
                raise ValueError(f"Unsafe name in the archive: {member.name!r}")
            saved = storage.save(name, ContentFile(tar.extractfile(member).read()))
            if saved != name:
                raise ValueError(f"{name!r} was stored as {saved!r}")
            count += 1
    return count
