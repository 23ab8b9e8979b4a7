"""What a tagged PDF's structure holds, read with pikepdf, for tests: that its structure tree
and the marked content of its pages agree (what PDF/UA checkers look at first)."""

import io
import re
from collections import Counter

import pikepdf

MCID = re.compile(rb"/MCID\s+(\d+)")


def structure_problems(pdf: bytes) -> list[str]:
    """Every disagreement found: an element on a page not in the document; a page's marked
    content that no element claims, or claimed twice; a parent tree entry that does not name
    the element that claims it; a key used twice; an id used twice."""
    document = pikepdf.open(io.BytesIO(pdf))
    pages = {page.objgen: i for i, page in enumerate(document.pages)}
    problems = []
    claimed: Counter = Counter()
    owner = {}
    ids: Counter = Counter()
    stack = [document.Root.StructTreeRoot.K]
    while stack:
        element = stack.pop()
        if isinstance(element, pikepdf.Array):
            stack.extend(element)
            continue
        if not isinstance(element, pikepdf.Dictionary):
            continue
        if "/ID" in element:
            ids[str(element.ID)] += 1
        page = element.get("/Pg")
        if page is not None and page.objgen not in pages:
            problems.append(f"{element.get('/S')} on a page not in the document")
        children = element.get("/K")
        for child in children if isinstance(children, pikepdf.Array) else [children]:
            if isinstance(child, int) and page is not None:
                claimed[(pages.get(page.objgen), child)] += 1
                owner[(pages.get(page.objgen), child)] = element.objgen
            elif child is not None:
                stack.append(child)
    marked = Counter()
    keys = Counter()
    numbers = list(document.Root.StructTreeRoot.ParentTree.Nums)
    parent_tree = dict(zip((int(k) for k in numbers[::2]), numbers[1::2], strict=True))
    for i, page in enumerate(document.pages):
        content = b"".join(
            stream.read_bytes()
            for stream in (
                page.obj.Contents
                if isinstance(page.obj.Contents, pikepdf.Array)
                else [page.obj.Contents]
            )
        )
        for mcid in MCID.findall(content):
            marked[(i, int(mcid))] += 1
        if "/StructParents" in page.obj:
            key = int(page.obj.StructParents)
            keys[key] += 1
            for mcid, element in enumerate(parent_tree.get(key, [])):
                if (i, mcid) in owner and owner[(i, mcid)] != element.objgen:
                    problems.append(f"page {i + 1}, content {mcid}: the parent tree names another")
        for annotation in page.obj.get("/Annots", []):
            if "/StructParent" in annotation:
                keys[int(annotation.StructParent)] += 1
    for (page, mcid), count in marked.items():
        if count != 1 or claimed[(page, mcid)] != 1:
            problems.append(
                f"page {page + 1}, content {mcid}: marked {count}, claimed {claimed[(page, mcid)]}"
            )
    problems += [f"key {key} used {count} times" for key, count in keys.items() if count > 1]
    problems += [f"id {id_} used {count} times" for id_, count in ids.items() if count > 1]
    return problems


def element_kinds(pdf: bytes) -> Counter:
    """How many structure elements of each kind (P, H2, Table, TD, Link…) the PDF has."""
    document = pikepdf.open(io.BytesIO(pdf))
    kinds: Counter = Counter()
    stack = [document.Root.StructTreeRoot.K]
    while stack:
        element = stack.pop()
        if isinstance(element, pikepdf.Array):
            stack.extend(element)
        elif isinstance(element, pikepdf.Dictionary) and "/S" in element:
            kinds[str(element.S)] += 1
            if "/K" in element:
                stack.append(element.K)
    return kinds


def link_targets(pdf: bytes, page_index: int) -> dict[str, int]:
    """The links on a page that go within the document: the page (from 1) each goes to."""
    document = pikepdf.open(io.BytesIO(pdf))
    pages = {page.objgen: i for i, page in enumerate(document.pages)}
    names = list(document.Root.Names.Dests.Names)
    destinations = dict(zip((str(n) for n in names[::2]), names[1::2], strict=True))
    targets = {}
    for annotation in document.pages[page_index].obj.get("/Annots", []):
        if "/Dest" in annotation:
            name = str(annotation.Dest)
            targets[name] = pages[destinations[name][0].objgen] + 1
    return targets


def outline_titles(pdf: bytes) -> list[tuple[int, str, int]]:
    """The outline (bookmarks): (depth, title, page from 1), in order."""
    document = pikepdf.open(io.BytesIO(pdf))
    pages = {page.objgen: i for i, page in enumerate(document.pages)}
    found = []
    with document.open_outline() as outline:
        stack = [(0, item) for item in reversed(outline.root)]
        while stack:
            depth, item = stack.pop()
            found.append((depth, item.title, pages[item.destination[0].objgen] + 1))
            stack.extend((depth + 1, child) for child in reversed(item.children))
    return found
