"""Parts of one document, each laid out by WeasyPrint on its own, joined into one tagged PDF
(PDF/UA-1) with pikepdf: what lets a pack lay out its plans in parallel and keep those that
did not change (reporting.pack_pdf).

    pdf = join(parts, furniture)

- The pages follow one another; the first part gives the catalogue: language, title, the
  metadata that names PDF/UA, the viewer preferences.
- The structure trees become one: each part's elements go under the first part's Document
  element, each part's parent tree is renumbered after the one before it, and so are the
  pages' and links' keys into it. Table cells' ids are made unique to their part.
- Anchors (a part's `id`s) become the document's named destinations: a link in one part to
  an anchor in another goes there (the part that links has a stand-in anchor of the same
  name, so WeasyPrint writes the link at all; the real one, later, wins).
- Bookmarks become one outline, nested by heading level across the parts.
- `furniture` is documents of empty pages, as many as the parts have in all, with the running
  header and the page numbers in their margin boxes: each of their pages is drawn over the
  page of the same number, as an artefact (not read out as content).
"""

import io
import re
import warnings
from dataclasses import dataclass

import pikepdf
from pikepdf import Array, Dictionary, Name, OutlineItem, PageLocation

MARKED_CONTENT = re.compile(rb"/\w+\s*<<\s*/MCID\s+\d+\s*>>\s*BDC")


@dataclass
class LaidOutPart:
    """What the join needs of a part: its PDF, and its anchors and bookmarks as WeasyPrint
    placed them, in PDF points from the bottom left of their page (index in the part)."""

    pdf: bytes
    pages: int
    anchors: dict[str, tuple[int, float, float]]
    bookmarks: list[tuple[int, int, str, float, float]]  # page, level, label, x, y


def join(parts: list[LaidOutPart], furniture: list[bytes] = ()) -> bytes:
    document = pikepdf.open(io.BytesIO(parts[0].pdf))
    tree = document.Root.StructTreeRoot
    top = document_element(tree)
    numbers = list(tree.ParentTree.Nums)
    next_key = next_parent_key(numbers)
    for index, part in enumerate(parts[1:], start=1):
        source = pikepdf.open(io.BytesIO(part.pdf))
        first_page = len(document.pages)
        with warnings.catch_warnings():  # named destinations are made anew: name_destinations
            warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
            document.pages.extend(source.pages)  # first, so the tree's /Pg are the copies
        copied = document.copy_foreign(source.Root.StructTreeRoot)
        part_numbers = list(copied.ParentTree.Nums)
        for element in list(document_element(copied).K):
            element.P = top
            top.K.append(element)
            unique_ids(element, f"p{index}-")
        for key, value in zip(part_numbers[::2], part_numbers[1::2], strict=True):
            numbers += [int(key) + next_key, value]
        for page in document.pages[first_page:]:
            renumber_keys(page.obj, next_key)
        next_key += next_parent_key(part_numbers)
    tree.ParentTree = Dictionary(Nums=Array(numbers))
    name_destinations(document, parts)
    make_outline(document, parts)
    if furniture:
        draw_furniture(document, furniture)
    out = io.BytesIO()
    document.save(out, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


def document_element(tree):
    """The Document element WeasyPrint puts at the top of a tagged PDF's structure tree."""
    top = tree.K
    if isinstance(top, Array):
        (top,) = list(top)
    if not isinstance(top.get("/K"), Array):
        top.K = Array([top.K] if "/K" in top else [])
    return top


def next_parent_key(numbers) -> int:
    keys = [int(key) for key in numbers[::2]]
    return max(keys) + 1 if keys else 0


def renumber_keys(page, offset: int) -> None:
    """Move a page's key, and its links', into the joined parent tree."""
    if "/StructParents" in page:
        page.StructParents = int(page.StructParents) + offset
    for annotation in page.get("/Annots", []):
        if "/StructParent" in annotation:
            annotation.StructParent = int(annotation.StructParent) + offset


# Only tables' cells have ids (headers) or refer to them (data cells), and only these hold
# tables or cells: what a cell holds is not walked (half the elements of a pack).
HOLDS_CELLS = {"/Document", "/Part", "/Sect", "/Art", "/Div", "/NonStruct", "/Table",
               "/THead", "/TBody", "/TFoot", "/TR"}  # fmt: skip


def unique_ids(element, prefix: str) -> None:
    """Prefix the ids of a part's table headers, and the data cells' references to them: ids
    start again in every part WeasyPrint lays out, and must be one document's."""
    stack = [element]
    while stack:
        element = stack.pop()
        kind = str(element.get("/S", ""))
        if kind == "/TH" and "/ID" in element:
            element.ID = pikepdf.String(prefix + str(element.ID))
        elif kind == "/TD" and "/A" in element and "/Headers" in element.A:
            element.A.Headers = Array(
                [pikepdf.String(prefix + str(header)) for header in element.A.Headers]
            )
        elif kind in HOLDS_CELLS:
            children = element.get("/K")
            if isinstance(children, Array):
                stack.extend(child for child in children if isinstance(child, Dictionary))
            elif isinstance(children, Dictionary):
                stack.append(children)


def part_offsets(parts: list[LaidOutPart]) -> list[int]:
    """The index in the joined document of each part's first page."""
    offsets, total = [], 0
    for part in parts:
        offsets.append(total)
        total += part.pages
    return offsets


def name_destinations(document, parts: list[LaidOutPart]) -> None:
    places: dict[str, tuple[int, float, float]] = {}
    for offset, part in zip(part_offsets(parts), parts, strict=True):
        for name, (page, x, y) in part.anchors.items():
            places[name] = (offset + page, x, y)  # a later part's real anchor wins
    names = Array()
    for name in sorted(places):
        page, x, y = places[name]
        names.append(pikepdf.String(name))
        names.append(Array([document.pages[page].obj, Name.XYZ, x, y, 0]))
    document.Root.Names = Dictionary(Dests=Dictionary(Names=names))


def make_outline(document, parts: list[LaidOutPart]) -> None:
    """One outline from every part's bookmarks, nested by level as WeasyPrint nests them."""
    with document.open_outline() as outline:
        outline.root.clear()
        open_items: list[tuple[int, OutlineItem]] = []  # (level, item) from the top down
        for offset, part in zip(part_offsets(parts), parts, strict=True):
            for page, level, label, x, y in part.bookmarks:
                item = OutlineItem(
                    label, offset + page, page_location=PageLocation.XYZ, left=x, top=y
                )
                while open_items and open_items[-1][0] >= level:
                    open_items.pop()
                siblings = open_items[-1][1].children if open_items else outline.root
                siblings.append(item)
                open_items.append((level, item))


def draw_furniture(document, furniture: list[bytes]) -> None:
    """Draw each page of the furniture (documents, one after another) over the joined page of
    the same number."""
    sheets = [pikepdf.open(io.BytesIO(pdf)) for pdf in furniture]
    overs = [page for sheet in sheets for page in sheet.pages]
    if len(overs) != len(document.pages):
        raise ValueError(f"The furniture has {len(overs)} pages for {len(document.pages)}")
    for page, over in zip(document.pages, overs, strict=True):
        form = document.copy_foreign(over.as_form_xobject())
        # WeasyPrint marks margin boxes' text as tagged content that no element claims: here
        # it is what it is, an artefact.
        form.write(MARKED_CONTENT.sub(b"/Artifact BMC", form.read_bytes()))
        name = page.add_resource(form, Name.XObject, prefix="Fur")
        # The page's own drawing may leave its coordinates changed: keep it in a q…Q of its own.
        page.contents_add(document.make_stream(b"q\n"), prepend=True)
        page.contents_add(document.make_stream(b"Q\nq " + name.unparse() + b" Do Q\n"))
