"""Checking uploaded evidence and attachments by their content, not their name.

A photo must open in Pillow as the format its extension claims (a renamed text file, or a PNG
named .jpg, is refused); a PDF must start with %PDF-; Office files must be ZIP (OOXML) archives.
Anything over the size limit is refused before it is read.
"""

from pathlib import Path

from PIL import Image, UnidentifiedImageError

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
MAX_NAME = 150
IMAGE_TYPES = {".jpg": ("JPEG", "image/jpeg"), ".jpeg": ("JPEG", "image/jpeg"), ".png": ("PNG", "image/png")}
DOCUMENT_TYPES = {
    ".pdf": (b"%PDF-", "application/pdf"),
    ".docx": (b"PK\x03\x04", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ".xlsx": (b"PK\x03\x04", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


class UploadRefused(Exception):
    """The file may not be stored; the message is for the user."""


def _mb(n):
    return f"{n // (1024 * 1024)}MB"


def check_upload(upload, *, images=True, documents=True, max_bytes=None):
    """The file's real content type, or UploadRefused with a Chinese reason (evidence limit by default)."""
    max_bytes = max_bytes or MAX_EVIDENCE_BYTES
    name = Path(upload.name or "").name
    suffix = Path(name).suffix.lower()
    allowed = (list(IMAGE_TYPES) if images else []) + (list(DOCUMENT_TYPES) if documents else [])
    if suffix not in allowed:
        raise UploadRefused(f"“{name[:40]}”的文件类型不支持，只能上传 {'、'.join(allowed)} 文件")
    if len(name) > MAX_NAME:  # the name is kept whole beside the file (NoticeAttachment/Evidence.name)
        raise UploadRefused(f"文件名最多{MAX_NAME}个字，收到{len(name)}个字，请改短后再上传")
    if upload.size > max_bytes:
        raise UploadRefused(f"“{name}”超过{_mb(max_bytes)}，请压缩后再上传")
    if upload.size == 0:
        raise UploadRefused(f"“{name}”是空文件")
    upload.seek(0)
    try:
        if suffix in IMAGE_TYPES:
            expected, content_type = IMAGE_TYPES[suffix]
            try:
                with Image.open(upload) as image:
                    real = image.format
                    image.verify()
            except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as e:
                raise UploadRefused(f"“{name}”不是有效的图片文件") from e
            if real != expected:
                raise UploadRefused(f"“{name}”的内容（{real}）与扩展名不符")
            return content_type
        magic, content_type = DOCUMENT_TYPES[suffix]
        if upload.read(len(magic)) != magic:
            raise UploadRefused(f"“{name}”的内容与扩展名不符")
        return content_type
    finally:
        upload.seek(0)
