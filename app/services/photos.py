"""Profile photos: decoded with Pillow (never trusted by name or type), checked for size and
decompression bombs, re-encoded without any metadata (so no location), resized, stored under a
random name in the uploads folder."""
import io
import secrets
import warnings
from pathlib import Path

from flask import current_app, send_file
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from app.services.errors import Invalid

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 50_000_000
MAX_SIDE = 512
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}

NOT_A_PHOTO = _l("That file is not a photo we can use. Please choose a photo saved as JPEG, PNG or WebP.")
DRAWING = _l("That file is a drawing (SVG), not a photo. Please choose a photo saved as JPEG, PNG or WebP.")
TOO_LARGE = _l("That photo is larger than 5 MB. Please choose a smaller photo, or a copy of it made smaller.")
TOO_MANY_PIXELS = _l("That picture is too big for us to open (more than 50 megapixels). Please choose a smaller copy of it.")


def upload_dir() -> Path:
    folder = Path(current_app.config.get("UPLOAD_DIR") or Path(current_app.instance_path) / "uploads") / "photos"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def clean_photo(stream) -> bytes:
    """Return the photo as a fresh JPEG with no metadata, at most 512px on its longest side.
    Raises Invalid (about the "photo" field) with a sentence for the member."""
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise Invalid(str(TOO_LARGE), field="photo")
    if not data:
        raise Invalid(str(NOT_A_PHOTO), field="photo")
    head = data[:1024].lstrip().lower()
    if head.startswith(b"<") and (b"<svg" in data[:4096].lower()):
        raise Invalid(str(DRAWING), field="photo")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
            if image.format not in ACCEPTED_FORMATS:
                raise Invalid(str(NOT_A_PHOTO), field="photo")
            # The header says how big the picture is; refuse before decoding a single pixel.
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise Invalid(str(TOO_MANY_PIXELS), field="photo")
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise Invalid(str(TOO_MANY_PIXELS), field="photo")
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
            raise Invalid(str(NOT_A_PHOTO), field="photo")
    try:
        image = ImageOps.exif_transpose(image)  # turn it the right way up before the metadata goes
    except Exception:  # noqa: BLE001 - a broken orientation tag is not worth refusing a photo for
        pass
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    if image.mode in ("RGBA", "LA", "P", "PA"):
        image = image.convert("RGBA")
        flat = Image.new("RGB", image.size, (255, 255, 255))
        flat.paste(image, mask=image.getchannel("A"))
    else:
        # Copying the pixels into a brand-new image leaves every piece of metadata behind.
        flat = Image.new("RGB", image.size)
        flat.paste(image.convert("RGB"))
    out = io.BytesIO()
    flat.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()


def store(photo_bytes: bytes) -> str:
    name = f"{secrets.token_hex(16)}.jpg"
    (upload_dir() / name).write_bytes(photo_bytes)
    return name


def path_of(name: str) -> Path | None:
    # Names are ours (hex plus .jpg); anything else is refused rather than looked up.
    if not name or len(name) != 36 or not name.endswith(".jpg") or not all(c in "0123456789abcdef" for c in name[:32]):
        return None
    path = upload_dir() / name
    return path if path.is_file() else None


def image_response(path: Path, cache_control: str):
    """Serve a stored picture: always JPEG (we re-encoded it), never sniffed as anything else."""
    response = send_file(path, mimetype="image/jpeg", max_age=0, conditional=True)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = cache_control
    response.headers["Content-Disposition"] = "inline"
    return response


def remove(name: str | None) -> None:
    if name:
        path = path_of(name)
        if path is not None:
            path.unlink(missing_ok=True)
