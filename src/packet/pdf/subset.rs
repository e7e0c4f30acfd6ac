//! Cuts an embedded TrueType font program down to the glyphs a document draws.
//!
//! printpdf 0.12 subsets fonts only with its `text_layout` feature (the azul layout engine, which this crate does
//! not build); without it every document embeds each face whole, about 1.8 MB of DejaVu before compression. Here
//! the glyph ids stay where they are: the outlines of unused glyphs are emptied (zero-length `loca` entries) and
//! their metrics zeroed, so the content streams, `/W` arrays and `/ToUnicode` maps printpdf wrote from the full
//! font stay valid byte for byte. Tables a PDF viewer never reads for a CID-keyed TrueType font (OpenType layout,
//! kerning, glyph names) are left out.

use std::collections::BTreeSet;

/// Tables kept, in the order of their tags (the table directory must be sorted). `post` is rewritten as version
/// 3 (no glyph names); `glyf`, `loca`, `hmtx` and `head` are rebuilt.
const KEEP: [&[u8; 4]; 14] = [
    b"OS/2", b"cmap", b"cvt ", b"fpgm", b"gasp", b"glyf", b"head", b"hhea", b"hmtx", b"loca",
    b"maxp", b"name", b"post", b"prep",
];

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at + 2).map(|s| u16::from_be_bytes([s[0], s[1]]))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 4)
        .map(|s| u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

struct Tables<'f> {
    entries: Vec<([u8; 4], &'f [u8])>,
}

impl<'f> Tables<'f> {
    fn read(font: &'f [u8]) -> Option<Self> {
        let version = u32_at(font, 0)?;
        if version != 0x0001_0000 && &font[..4] != b"true" {
            return None; // CFF outlines or a collection: not handled, embed as is.
        }
        let count = usize::from(u16_at(font, 4)?);
        let mut entries = Vec::with_capacity(count);
        for n in 0..count {
            let rec = 12 + 16 * n;
            let tag: [u8; 4] = font.get(rec..rec + 4)?.try_into().ok()?;
            let offset = u32_at(font, rec + 8)? as usize;
            let len = u32_at(font, rec + 12)? as usize;
            entries.push((tag, font.get(offset..offset.checked_add(len)?)?));
        }
        Some(Tables { entries })
    }

    fn get(&self, tag: &[u8; 4]) -> Option<&'f [u8]> {
        self.entries.iter().find(|(t, _)| t == tag).map(|(_, d)| *d)
    }
}

/// The glyph ids a composite glyph is built from.
fn components(glyph: &[u8], out: &mut Vec<u16>) {
    const ARGS_ARE_WORDS: u16 = 0x0001;
    const HAVE_SCALE: u16 = 0x0008;
    const MORE_COMPONENTS: u16 = 0x0020;
    const HAVE_XY_SCALE: u16 = 0x0040;
    const HAVE_2X2: u16 = 0x0080;
    if glyph.len() < 10 || (u16_at(glyph, 0).unwrap_or(0) as i16) >= 0 {
        return; // empty or simple
    }
    let mut at = 10;
    while let (Some(flags), Some(gid)) = (u16_at(glyph, at), u16_at(glyph, at + 2)) {
        out.push(gid);
        at += 4 + if flags & ARGS_ARE_WORDS != 0 { 4 } else { 2 };
        at += if flags & HAVE_SCALE != 0 {
            2
        } else if flags & HAVE_XY_SCALE != 0 {
            4
        } else if flags & HAVE_2X2 != 0 {
            8
        } else {
            0
        };
        if flags & MORE_COMPONENTS == 0 {
            break;
        }
    }
}

fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, c| {
        let mut word = [0u8; 4];
        word[..c.len()].copy_from_slice(c);
        sum.wrapping_add(u32::from_be_bytes(word))
    })
}

/// The font with only `used` glyphs (and the glyphs they are composed of, and glyph 0) keeping their outlines
/// and metrics; every glyph id keeps its number. `None` when the font is not a plain TrueType font this can read,
/// in which case the caller embeds it whole.
pub fn subset(font: &[u8], used: &BTreeSet<u16>) -> Option<Vec<u8>> {
    let tables = Tables::read(font)?;
    let head = tables.get(b"head")?;
    let glyf = tables.get(b"glyf")?;
    let loca = tables.get(b"loca")?;
    let hhea = tables.get(b"hhea")?;
    let hmtx = tables.get(b"hmtx")?;
    let glyphs = usize::from(u16_at(tables.get(b"maxp")?, 4)?);
    let long_loca = u16_at(head, 50)? == 1;
    let offset = |g: usize| -> Option<usize> {
        if long_loca {
            u32_at(loca, 4 * g).map(|o| o as usize)
        } else {
            u16_at(loca, 2 * g).map(|o| 2 * usize::from(o))
        }
    };
    let outline = |g: usize| -> Option<&[u8]> { glyf.get(offset(g)?..offset(g + 1)?) };

    // The glyphs kept: the used ones, .notdef, and every component of a kept composite.
    let mut keep = vec![false; glyphs];
    let mut todo: Vec<u16> = std::iter::once(0).chain(used.iter().copied()).collect();
    while let Some(g) = todo.pop() {
        let g = usize::from(g);
        if g >= glyphs || keep[g] {
            continue;
        }
        keep[g] = true;
        components(outline(g)?, &mut todo);
    }

    let mut new_glyf = Vec::new();
    let mut new_loca = Vec::with_capacity(4 * (glyphs + 1));
    for (g, kept) in keep.iter().enumerate() {
        new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());
        if *kept {
            new_glyf.extend_from_slice(outline(g)?);
            new_glyf.resize(new_glyf.len().next_multiple_of(4), 0);
        }
    }
    new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());

    // hmtx: `metrics` (advance, left side bearing) pairs, then a bare side bearing for each remaining glyph.
    let metrics = usize::from(u16_at(hhea, 34)?);
    let mut new_hmtx = hmtx.to_vec();
    for (g, _) in keep.iter().enumerate().filter(|(_, k)| !**k) {
        let range = if g < metrics {
            4 * g..4 * g + 4
        } else {
            4 * metrics + 2 * (g - metrics)..4 * metrics + 2 * (g - metrics) + 2
        };
        if let Some(slot) = new_hmtx.get_mut(range) {
            slot.fill(0);
        }
    }

    let mut new_head = head.to_vec();
    new_head.get_mut(8..12)?.fill(0); // checkSumAdjustment, set below
    new_head
        .get_mut(50..52)?
        .copy_from_slice(&1u16.to_be_bytes()); // long loca

    let mut new_post = tables
        .get(b"post")
        .map(|p| p.get(..32).unwrap_or(p).to_vec());
    if let Some(post) = new_post.as_mut().filter(|p| p.len() == 32) {
        post[..4].copy_from_slice(&0x0003_0000u32.to_be_bytes());
    } else {
        new_post = None;
    }

    let mut out_tables: Vec<(&[u8; 4], Vec<u8>)> = Vec::new();
    for tag in KEEP {
        let data = match tag {
            b"glyf" => std::mem::take(&mut new_glyf),
            b"loca" => std::mem::take(&mut new_loca),
            b"hmtx" => std::mem::take(&mut new_hmtx),
            b"head" => std::mem::take(&mut new_head),
            b"post" => match new_post.take() {
                Some(p) => p,
                None => continue,
            },
            _ => match tables.get(tag) {
                Some(d) => d.to_vec(),
                None => continue,
            },
        };
        out_tables.push((tag, data));
    }

    let count = out_tables.len() as u16;
    let mut power = 1u16;
    let mut selector = 0u16;
    while power * 2 <= count {
        power *= 2;
        selector += 1;
    }
    let mut out = Vec::with_capacity(
        12 + 16 * out_tables.len() + out_tables.iter().map(|(_, d)| d.len() + 3).sum::<usize>(),
    );
    out.extend_from_slice(&0x0001_0000u32.to_be_bytes());
    for v in [count, power * 16, selector, count * 16 - power * 16] {
        out.extend_from_slice(&v.to_be_bytes());
    }
    let mut at = 12 + 16 * out_tables.len();
    let mut head_at = None;
    for (tag, data) in &out_tables {
        out.extend_from_slice(*tag);
        out.extend_from_slice(&checksum(data).to_be_bytes());
        out.extend_from_slice(&(at as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        if *tag == b"head" {
            head_at = Some(at);
        }
        at += data.len().next_multiple_of(4);
    }
    for (_, data) in &out_tables {
        out.extend_from_slice(data);
        out.resize(out.len().next_multiple_of(4), 0);
    }
    let adjust = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
    let head_at = head_at?;
    out[head_at + 8..head_at + 12].copy_from_slice(&adjust.to_be_bytes());
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use printpdf::ParsedFont;

    fn gid(font: &ParsedFont, c: char) -> u16 {
        font.lookup_glyph_index(c as u32).unwrap()
    }

    #[test]
    fn the_subset_keeps_used_glyphs_in_place_and_drops_the_rest() {
        let bytes = dejavu::sans::regular();
        let full = ParsedFont::from_bytes(bytes, 0, &mut Vec::new()).unwrap();
        // "é" may be a composite of "e" and an accent: its parts come along.
        let used: BTreeSet<u16> = "Zoë €25 ✓é".chars().map(|c| gid(&full, c)).collect();
        let small = subset(bytes, &used).expect("DejaVu Sans is plain TrueType");
        assert!(
            small.len() < bytes.len() / 8,
            "{} of {} bytes",
            small.len(),
            bytes.len()
        );
        let cut = ParsedFont::from_bytes(&small, 0, &mut Vec::new()).expect("the subset parses");
        for c in "Zoë €25 ✓é".chars() {
            let g = gid(&cut, c);
            assert_eq!(g, gid(&full, c), "'{c}' keeps its glyph id");
            assert_eq!(
                cut.get_glyph_width(g),
                full.get_glyph_width(g),
                "'{c}' keeps its width"
            );
        }
        let unused = gid(&full, 'Ж');
        assert_eq!(
            cut.get_glyph_width(unused),
            Some(0),
            "unused metrics are zeroed"
        );
        // The whole-font checksum comes out as the format requires.
        assert_eq!(checksum(&small), 0xB1B0_AFBA);
    }

    #[test]
    fn what_it_cannot_read_it_leaves_alone() {
        assert!(subset(b"OTTO\0\0\0\0", &BTreeSet::new()).is_none());
        assert!(subset(b"", &BTreeSet::new()).is_none());
    }
}
