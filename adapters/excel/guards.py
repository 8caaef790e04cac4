"""What a file must pass before any sheet is read: bounded size, a plain xlsx, no macros, no bomb.

An xlsx is a zip; its central directory declares every member's compressed and uncompressed
size, so a zip bomb is refused by reading the directory only (the totals and the ratio), before a
byte is inflated. An encrypted workbook is not a zip at all but an OLE compound file (Excel
stores the encrypted package inside one), as is the legacy .xls; a workbook with macros carries
``vbaProject.bin`` or the macro-enabled content type.
"""

from __future__ import annotations

import io
import zipfile

from hub.errors import E, HubError

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: the largest upload accepted (a 1 000 000-row readings workbook is about 40 MB)
MAX_FILE_BYTES = 64 * 1024 * 1024
#: the most the members may inflate to, together
MAX_UNCOMPRESSED_BYTES = 768 * 1024 * 1024
#: the highest compression ratio of a member larger than ``RATIO_FLOOR`` (sheet XML is ~10–30×)
MAX_RATIO = 200
RATIO_FLOOR = 1024 * 1024
MAX_MEMBERS = 10_000
MACRO_MARKERS = ("vbaproject.bin", "macroenabled")


def check(data: bytes, filename: str) -> None:
    """Refuse what must not be opened; return quietly otherwise."""
    if len(data) > MAX_FILE_BYTES:
        raise HubError(E.FMT916011, f"{len(data)} байт, допускается {MAX_FILE_BYTES}", where=filename)
    if data.startswith(OLE_MAGIC):
        if filename.lower().endswith(".xls"):
            raise HubError(
                E.FMT916001, "Формат .xls (Excel 97–2003) не поддерживается: сохраните как .xlsx", where=filename
            )
        raise HubError(E.FMT916002, "Книга сохранена с паролем (зашифрованный контейнер OLE)", where=filename)
    if not data.startswith(ZIP_MAGIC):
        raise HubError(E.FMT916001, "Файл не является архивом Office Open XML", where=filename)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise HubError(E.FMT916001, f"Архив повреждён: {error}", where=filename) from None
    if len(members) > MAX_MEMBERS:
        raise HubError(E.FMT916004, f"Частей в архиве: {len(members)}", where=filename)
    names = {m.filename.lower() for m in members}
    if "[content_types].xml" not in names or not any(n.startswith("xl/workbook") for n in names):
        raise HubError(E.FMT916001, "В архиве нет книги Excel (xl/workbook.xml)", where=filename)
    if filename.lower().endswith((".xlsm", ".xltm")) or any(n.endswith("vbaproject.bin") for n in names):
        raise HubError(E.FMT916003, "В книге есть проект VBA (vbaProject.bin)", where=filename)
    total = 0
    for member in members:
        total += member.file_size
        if member.file_size > RATIO_FLOOR and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise HubError(
                E.FMT916004,
                f"{member.filename}: {member.file_size} байт из {member.compress_size} (больше чем в {MAX_RATIO} раз)",
                where=filename,
            )
    if total > MAX_UNCOMPRESSED_BYTES:
        raise HubError(
            E.FMT916004, f"{total} байт после распаковки, допускается {MAX_UNCOMPRESSED_BYTES}", where=filename
        )
    content_types = archive.read("[Content_Types].xml") if "[content_types].xml" in names else b""
    if b"macroEnabled" in content_types:
        raise HubError(E.FMT916003, "Тип содержимого книги — с макросами", where=filename)
