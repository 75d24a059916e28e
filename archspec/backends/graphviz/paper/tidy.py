"""Finishing a figure the way the papers finish theirs: a shortcut leaves the main arrow at a fork,
an activation after every conv is said once in the caption, a conv with no activation after it
is marked 'linear' (MobileNet v2's linear bottleneck)."""

from __future__ import annotations

from archspec.backends.graphviz.paper.figure import INPUT, OUTPUT, Box, Figure, Link


def forks(fig: Figure) -> None:
    """Where an arrow splits in two (a shortcut beside the block's body), split it at a point below its
    source, as the ResNet figure does; the notes both parts share go before the fork. Three branches
    or more (Inception's) leave their source on arrows of their own."""
    for bid in list(fig.boxes):
        outs = fig.out_links(bid)
        if len(outs) != 2:
            continue
        common = [w for w in outs[0].notes if all(w in lk.notes for lk in outs)]
        fid = f"{bid}.fork"
        # The fork sits in the frame of what it feeds (a folded block's shortcut starts inside its '×k'),
        # or outside any where the two parts go to different frames.
        folds = {fig.boxes[lk.dst].fold for lk in outs}
        fig.boxes[fid] = Box(fid, "", "fork", fold=folds.pop() if len(folds) == 1 else None)
        for lk in outs:
            lk.src = fid
            lk.notes = [w for w in lk.notes if w not in common]
        fig.links.insert(fig.links.index(outs[0]), Link(bid, fid, common, arrow=False))


def uniform_activation(fig: Figure) -> str | None:
    """If the same activation follows every conv and nothing else, drop it from the arrows and return
    it, for the caption ('relu after each conv'): the GoogLeNet figure draws none."""
    convs = {b for b, box in fig.boxes.items() if box.conv}
    if not convs:
        return None
    act_links = [lk for lk in fig.links if any(w in fig.acts for w in lk.notes)]
    words = {w for lk in act_links for w in lk.notes if w in fig.acts}
    if len(words) != 1:
        return None
    word = words.pop()
    if any(lk.src not in convs for lk in act_links):
        return None
    if any(word not in lk.notes for c in convs for lk in fig.out_links(c)):
        return None
    for lk in act_links:
        lk.notes.remove(word)
    return word


def linear_bottlenecks(fig: Figure) -> None:
    """Mark 'linear' a conv that ends a block's body (nothing but joins after it) with no activation
    after it, where the other convs have one and the block does not start with one (pre-activation
    blocks, DenseNet's, put theirs before the convs)."""
    def acts(lk: Link) -> bool:
        return any(w in fig.acts for w in lk.notes)

    if any(acts(lk) for lk in fig.links if lk.src in (INPUT, f"{INPUT}.fork")):
        return

    def ends_plain(bid: str) -> bool:
        """Whether no activation follows box ``bid`` before the data leaves the body or reaches another box."""
        for lk in fig.out_links(bid):
            if acts(lk):
                return False
            shape = fig.boxes[lk.dst].shape
            if shape == "fork":  # on into the next block: only what comes before it counts
                if any(acts(nxt) for nxt in fig.out_links(lk.dst)):
                    return False
            elif lk.dst != OUTPUT and (shape != "circle" or not ends_plain(lk.dst)):
                return False
        return True

    convs = [b for b, box in fig.boxes.items() if box.conv]
    plain = [c for c in convs if ends_plain(c)]
    if len(plain) < len(convs):
        for c in plain:
            fig.boxes[c].text += ", linear"


def lanes(fig: Figure) -> None:
    """Left to right, an identity shortcut runs through its word ('identity') as a node of its own:
    as an edge label it would sit outside a '×k' frame the shortcut is inside, on the frame's line."""
    for lk in [lk for lk in fig.links if lk.identity]:
        lane = f"{lk.dst}.identity"
        fig.boxes[lane] = Box(lane, "identity", "lane", fold=fig.boxes[lk.dst].fold)
        fig.links.insert(fig.links.index(lk), Link(lk.src, lane, lk.notes, identity=True, arrow=False))
        lk.src, lk.notes = lane, []
