//! Text measuring, line breaking and pagination on A4 for the packet PDF.
//!
//! printpdf draws glyphs where it is told and nothing more, so everything here is measured from the embedded
//! fonts' own advance widths: the same widths printpdf writes into the PDF's `/W` arrays, so a line measured to
//! fit does fit. Lines are slices of the caller's text (no per-glyph allocation); advances for the first 12,288
//! code points (Latin, Greek, Cyrillic, punctuation, currency, arrows, check marks) come from a flat table.
//!
//! Pages are kept as two op lists, shapes and text, and joined at the end: fills sit under the text, and each
//! page's text is one `BT … ET` section with absolute positions (`Tm`), changing font or colour only when needed.
//! Footers are drawn after every page exists, so they can say "Page N of M".

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::sync::LazyLock;

use printpdf::{
    Color, CustomPdfConformance, FontId, Mm, Op, PaintMode, ParsedFont, PdfConformance,
    PdfDocument, PdfFont, PdfFontHandle, PdfPage, PdfSaveOptions, Pt, Rect, Rgb, TextItem,
    TextMatrix, WindingOrder,
};

use super::subset;

pub const PAGE_W: f32 = 595.28;
pub const PAGE_H: f32 = 841.89;
pub const MARGIN_X: f32 = 50.0;
pub const WIDTH: f32 = PAGE_W - 2.0 * MARGIN_X;
/// Where content starts on the first page, and below the running header on the others.
const TOP_FIRST: f32 = PAGE_H - 50.0;
const TOP: f32 = PAGE_H - 62.0;
/// Content never goes below this line; the footer lives under it.
pub const BOTTOM: f32 = 62.0;
const LEADING: f32 = 1.32;
/// Rows up to this tall move to the next page whole; taller ones are split where the page ends.
const KEEP_TOGETHER: f32 = 150.0;
/// Code points below this have their advance in a flat table.
const TABLE_LEN: usize = 0x3000;

pub type Ink = (f32, f32, f32);

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Face {
    Regular = 0,
    Bold = 1,
    Mono = 2,
}

#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Style {
    pub face: Face,
    pub size: f32,
    pub ink: Ink,
}

impl Style {
    pub const fn new(face: Face, size: f32, ink: Ink) -> Self {
        Style { face, size, ink }
    }

    pub const fn ink(self, ink: Ink) -> Self {
        Style { ink, ..self }
    }

    pub const fn face(self, face: Face) -> Self {
        Style { face, ..self }
    }

    pub fn line_height(self) -> f32 {
        self.size * LEADING
    }

    /// The baseline of a line whose box starts at `top`: caps sit centred in the box.
    fn baseline(self, top: f32) -> f32 {
        top - self.line_height() / 2.0 - self.size * 0.36
    }
}

/// One face's advance widths, in font units.
struct Metrics {
    /// The font program as shipped, which printpdf embeds and [`Flow::save`] cuts down to the glyphs drawn.
    bytes: &'static [u8],
    font: ParsedFont,
    units_per_em: f32,
    table: Vec<u16>,
    missing: u16,
}

impl Metrics {
    fn parse(bytes: &'static [u8], name: &'static str) -> Result<Self, &'static str> {
        let font = ParsedFont::from_bytes(bytes, 0, &mut Vec::new()).ok_or(name)?;
        let missing = font.get_glyph_width(0).unwrap_or(0);
        let table = (0..TABLE_LEN as u32)
            .map(|cp| {
                font.lookup_glyph_index(cp)
                    .and_then(|gid| font.get_glyph_width(gid))
                    .unwrap_or(missing)
            })
            .collect();
        Ok(Metrics {
            bytes,
            units_per_em: f32::from(font.units_per_em.max(1)),
            font,
            table,
            missing,
        })
    }

    #[inline]
    fn advance(&self, c: char) -> u32 {
        let cp = c as usize;
        u32::from(if cp < TABLE_LEN {
            self.table[cp]
        } else {
            // As printpdf encodes it: a character the font lacks is drawn as glyph 0.
            let gid = self.font.lookup_glyph_index(c as u32).unwrap_or(0);
            self.font.get_glyph_width(gid).unwrap_or(self.missing)
        })
    }

    fn measure(&self, text: &str) -> u32 {
        text.chars().map(|c| self.advance(c)).sum()
    }
}

/// DejaVu Sans (regular and bold) for text, DejaVu Sans Mono for digests and ids; embedded, subset on save.
pub struct Fonts {
    faces: [Metrics; 3],
}

static FONTS: LazyLock<Result<Fonts, &'static str>> = LazyLock::new(|| {
    Ok(Fonts {
        faces: [
            Metrics::parse(dejavu::sans::regular(), "DejaVu Sans")?,
            Metrics::parse(dejavu::sans::bold(), "DejaVu Sans Bold")?,
            Metrics::parse(dejavu::sans_mono::regular(), "DejaVu Sans Mono")?,
        ],
    })
});

/// The fonts, parsed once per process; the error names the face that did not parse.
pub fn fonts() -> Result<&'static Fonts, &'static str> {
    FONTS.as_ref().map_err(|name| *name)
}

impl Fonts {
    fn metrics(&self, face: Face) -> &Metrics {
        &self.faces[face as usize]
    }

    /// The advance width of `text` in points.
    pub fn width(&self, text: &str, style: Style) -> f32 {
        let m = self.metrics(style.face);
        m.measure(text) as f32 * style.size / m.units_per_em
    }

    /// Breaks `text` into lines no wider than `max` points and appends them to `out` as slices of `text`.
    ///
    /// Lines break at spaces; a word wider than the line (a hash, an id, a path) fills the rest of the current
    /// line and is cut after a separator such as `/` or `-` if there is one late enough, else wherever it stops
    /// fitting, so nothing runs past `max`. Newlines are kept; an empty paragraph is an
    /// empty line.
    pub fn wrap<'t>(&self, text: &'t str, style: Style, max: f32, out: &mut Vec<&'t str>) {
        let m = self.metrics(style.face);
        let max = ((max * m.units_per_em / style.size) as u32).max(1);
        let space = m.advance(' ');
        for para in text.split('\n') {
            // The open line is para[start..end], `width` wide; `end == start` means it is empty.
            let (mut start, mut end, mut width) = (0usize, 0usize, 0u32);
            let mut open = false;
            let mut pos = 0usize;
            for word in para.split(' ') {
                let (ws, we) = (pos, pos + word.len());
                pos = we + 1;
                if word.is_empty() {
                    continue;
                }
                let w = m.measure(word);
                let gap = if open { (ws - end) as u32 * space } else { 0 };
                if open && width + gap + w <= max {
                    end = we;
                    width += gap + w;
                    continue;
                }
                if w <= max {
                    if open {
                        out.push(&para[start..end]);
                    }
                    (start, end, width, open) = (ws, we, w, true);
                    continue;
                }
                // Wider than a whole line: continue the open line if a good part of it is left, then cut.
                let mut acc = if open && width + gap < max * 4 / 5 {
                    width + gap
                } else {
                    if open {
                        out.push(&para[start..end]);
                    }
                    start = ws;
                    0
                };
                // Where the line could end after a separator ('/', '-', '_' …): (byte offset, width up to there).
                let mut soft: Option<(usize, u32)> = None;
                for (i, c) in word.char_indices() {
                    let a = m.advance(c);
                    let at = ws + i;
                    if acc + a > max && at > start {
                        // Cut after the last separator when that keeps a fair part of the line, else right here.
                        let (cut, kept) = match soft {
                            Some((b, w)) if b > start && w >= max * 2 / 5 => (b, w),
                            _ => (at, acc),
                        };
                        out.push(para[start..cut].trim_end());
                        start = cut;
                        acc -= kept;
                        soft = None;
                    }
                    acc += a;
                    if matches!(c, '/' | '-' | '_' | '.' | ',' | ':' | ';' | '=' | '&' | '?') {
                        soft = Some((at + c.len_utf8(), acc));
                    }
                }
                (end, width, open) = (we, acc, true);
            }
            out.push(if open { &para[start..end] } else { "" });
        }
    }
}

/// Tabs, carriage returns and other control characters would print as boxes: make them spaces (and CRLF one
/// newline). Borrows when there is nothing to change, which is almost always.
pub fn clean(text: &str) -> Cow<'_, str> {
    if !needs_cleaning(text) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.replace("\r\n", "\n")
            .chars()
            .map(|c| if c.is_control() && c != '\n' { ' ' } else { c })
            .collect(),
    )
}

fn needs_cleaning(text: &str) -> bool {
    text.chars().any(|c| c.is_control() && c != '\n')
}

/// A run of text in one style, wrapped to its cell.
#[derive(Clone)]
pub struct Para<'a> {
    pub text: Cow<'a, str>,
    pub style: Style,
}

impl<'a> Para<'a> {
    pub fn new(text: impl Into<Cow<'a, str>>, style: Style) -> Self {
        let mut text = text.into();
        if needs_cleaning(&text) {
            text = Cow::Owned(clean(&text).into_owned());
        }
        Para { text, style }
    }
}

/// Paragraphs stacked top to bottom.
pub type Cell<'a> = Vec<Para<'a>>;

/// Column geometry: absolute x of the left edge and the width of each column, in points.
#[derive(Clone)]
pub struct Grid {
    pub x: f32,
    pub widths: Vec<f32>,
    pub pad_x: f32,
    pub pad_y: f32,
    /// Fill under the row (`None`: transparent).
    pub shade: Option<Ink>,
    /// A hairline under the row.
    pub rule: Option<Ink>,
}

impl Grid {
    /// Columns as fractions of the text width.
    pub fn fractions(fractions: &[f32]) -> Self {
        Grid {
            x: MARGIN_X,
            widths: fractions.iter().map(|f| f * WIDTH).collect(),
            pad_x: 4.0,
            pad_y: 3.0,
            shade: None,
            rule: None,
        }
    }

    fn total(&self) -> f32 {
        self.widths.iter().sum()
    }
}

/// A table: its grid, and a header row that repeats at the top of every page the table runs onto.
pub struct Table<'a> {
    pub grid: Grid,
    pub header: Option<(Vec<Cell<'a>>, Grid)>,
}

struct Line<'t> {
    text: &'t str,
    style: Style,
}

struct PageOps {
    shapes: Vec<Op>,
    text: Vec<Op>,
    face: Option<Face>,
    ink: Option<Ink>,
}

/// The document being laid out: pages so far and the cursor on the last one.
pub struct Flow {
    fonts: &'static Fonts,
    doc: PdfDocument,
    ids: [FontId; 3],
    pages: Vec<PageOps>,
    /// The page drawn on: the last one while laying out, any one while drawing footers.
    cur: usize,
    /// The top of the free space on the current page.
    pub y: f32,
    /// Printed at the top of every page after the first, e.g. the section the page continues.
    running: String,
    running_style: Style,
    /// The document's date as a PDF date string (`D:…`), for the Info dictionary; `None`: undated.
    created: Option<String>,
    /// Seeds the trailer's file identifier, so the same content gives the same file; `None`: printpdf's random one.
    identity: Option<String>,
}

impl Flow {
    pub fn new(fonts: &'static Fonts, title: &str, running_style: Style) -> Self {
        let mut doc = PdfDocument::new(title);
        // A plain PDF that claims no standard: printpdf's custom profile with nothing required writes neither XMP
        // metadata nor an output intent (its PDF/X-style ICC profile); the Info keys it still writes for one
        // (GTS_PDFXVersion, Trapped) are dropped on save.
        doc.metadata.info.conformance = PdfConformance::Custom(CustomPdfConformance {
            identifier: String::new(),
            requires_xmp_metadata: false,
            requires_icc_profile: false,
            ..CustomPdfConformance::default()
        });
        // Named resources rather than `add_font`'s random 32-letter ids: every `Tf` names its font, and the
        // names show in font lists. The faces are added on save: a layout given up for a shorter one costs no
        // copy of the fonts.
        let ids = ["DejaVuSans", "DejaVuSans-Bold", "DejaVuSansMono"].map(|n| FontId(n.into()));
        let mut flow = Flow {
            fonts,
            doc,
            ids,
            pages: Vec::new(),
            cur: 0,
            y: 0.0,
            running: String::new(),
            running_style,
            created: None,
            identity: None,
        };
        flow.new_page();
        flow
    }

    pub fn fonts(&self) -> &'static Fonts {
        self.fonts
    }

    /// Dates the document (Info `/CreationDate` and `/ModDate`) at an RFC 3339 time such as the packet's
    /// `generated_at`. A time that does not parse leaves the document undated rather than wrongly dated.
    pub fn set_created(&mut self, rfc3339: &str) {
        self.created = chrono::DateTime::parse_from_rfc3339(rfc3339.trim())
            .ok()
            .map(|t| {
                t.with_timezone(&chrono::Utc)
                    .format("D:%Y%m%d%H%M%SZ")
                    .to_string()
            });
    }

    /// Derives the file identifier from `seed` (e.g. the packet digest) instead of a random one: exporting the
    /// same packet twice writes the same bytes.
    pub fn set_identity(&mut self, seed: &str) {
        self.identity = Some(seed.to_owned());
    }

    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// Draws on page `n` (0-based) from now on: for footers, once every page exists.
    pub fn select_page(&mut self, n: usize) {
        self.cur = n;
    }

    pub fn set_running(&mut self, text: impl Into<String>) {
        self.running = text.into();
    }

    pub fn new_page(&mut self) {
        self.pages.push(PageOps {
            shapes: Vec::new(),
            text: Vec::new(),
            face: None,
            ink: None,
        });
        self.cur = self.pages.len() - 1;
        if self.cur == 0 {
            self.y = TOP_FIRST;
            return;
        }
        self.y = TOP;
        if !self.running.is_empty() {
            let style = self.running_style;
            let mut lines = Vec::with_capacity(1);
            let running = std::mem::take(&mut self.running);
            self.fonts.wrap(&running, style, WIDTH, &mut lines);
            self.text(MARGIN_X, PAGE_H - 38.0, lines[0], style);
            self.fill(MARGIN_X, PAGE_H - 44.0, WIDTH, 0.4, style.ink);
            self.running = running;
        }
    }

    /// Whether nothing has been laid out on this page yet (the running header aside).
    pub fn at_page_top(&self) -> bool {
        self.y >= TOP - 0.01
    }

    /// Free height left on this page.
    pub fn room(&self) -> f32 {
        self.y - BOTTOM
    }

    /// Starts a new page unless `height` points still fit on this one.
    pub fn ensure(&mut self, height: f32) {
        if self.room() < height {
            self.new_page();
        }
    }

    /// Text at `x`, baseline `baseline`. `text` is one line; it is not wrapped.
    pub fn text(&mut self, x: f32, baseline: f32, text: &str, style: Style) {
        if text.is_empty() {
            return;
        }
        let page = &mut self.pages[self.cur];
        if page.face != Some(style.face) {
            page.text.push(Op::SetFont {
                font: PdfFontHandle::External(self.ids[style.face as usize].clone()),
                size: Pt(1.0),
            });
            page.face = Some(style.face);
        }
        if page.ink != Some(style.ink) {
            page.text.push(Op::SetFillColor {
                col: rgb(style.ink),
            });
            page.ink = Some(style.ink);
        }
        // The size goes into the text matrix with the position, so a size change costs no `Tf`.
        let size = style.size;
        page.text.push(Op::SetTextMatrix {
            matrix: TextMatrix::Raw([size, 0.0, 0.0, size, round(x), round(baseline)]),
        });
        page.text.push(Op::ShowText {
            items: vec![TextItem::Text(text.to_owned())],
        });
    }

    /// One line ending at `right`.
    pub fn text_right(&mut self, right: f32, baseline: f32, text: &str, style: Style) {
        let w = self.fonts.width(text, style);
        self.text(right - w, baseline, text, style);
    }

    /// A filled rectangle; `y` is its bottom edge.
    pub fn fill(&mut self, x: f32, y: f32, w: f32, h: f32, ink: Ink) {
        self.pages[self.cur].shapes.extend([
            Op::SetFillColor { col: rgb(ink) },
            Op::DrawRectangle {
                rectangle: Rect {
                    x: Pt(x),
                    y: Pt(y),
                    width: Pt(w),
                    height: Pt(h),
                    mode: Some(PaintMode::Fill),
                    winding_order: Some(WindingOrder::NonZero),
                },
            },
        ]);
    }

    /// Wrapped text flowing down from the cursor, breaking pages between lines.
    pub fn paragraph(&mut self, x: f32, width: f32, text: &str, style: Style) {
        let text = clean(text);
        let mut lines = Vec::new();
        self.fonts.wrap(&text, style, width, &mut lines);
        let lh = style.line_height();
        for line in lines {
            self.ensure(lh);
            self.text(x, style.baseline(self.y), line, style);
            self.y -= lh;
        }
    }

    /// A mark (✓, ✗, •, "3.") hanging left of wrapped text that starts `indent` points further right.
    #[allow(clippy::too_many_arguments)]
    pub fn hanging(
        &mut self,
        x: f32,
        indent: f32,
        width: f32,
        mark: &str,
        mark_style: Style,
        text: &str,
        style: Style,
    ) {
        self.ensure(style.line_height());
        let top = self.y;
        self.text(x, style.baseline(top), mark, mark_style);
        self.paragraph(x + indent, width - indent, text, style);
    }

    pub fn gap(&mut self, height: f32) {
        self.y -= height;
    }

    /// Wraps every cell of a row into its lines, each with its style.
    fn lay_row<'t>(&self, grid: &Grid, cells: &'t [Cell<'_>]) -> Vec<Vec<Line<'t>>> {
        let mut scratch = Vec::new();
        cells
            .iter()
            .zip(&grid.widths)
            .map(|(cell, w)| {
                let mut lines = Vec::new();
                for para in cell {
                    scratch.clear();
                    self.fonts
                        .wrap(&para.text, para.style, w - 2.0 * grid.pad_x, &mut scratch);
                    lines.extend(scratch.iter().map(|&text| Line {
                        text,
                        style: para.style,
                    }));
                }
                lines
            })
            .collect()
    }

    /// The height a row needs, unsplit.
    pub fn row_height(&self, grid: &Grid, cells: &[Cell<'_>]) -> f32 {
        height_of(&self.lay_row(grid, cells), grid)
    }

    /// A table row at the cursor. A short row that does not fit moves to the next page (below the repeated
    /// header); a tall one is split between lines across pages rather than leaving a half-empty page, so nothing
    /// is ever cut off at the bottom.
    pub fn row(&mut self, grid: &Grid, cells: &[Cell<'_>], header: Option<(&[Cell<'_>], &Grid)>) {
        let laid = self.lay_row(grid, cells);
        let height = height_of(&laid, grid);
        let header_h = header.map_or(0.0, |(h, g)| self.row_height(g, h));
        if height > self.room() && height <= KEEP_TOGETHER.min(TOP - BOTTOM - header_h) {
            self.new_page();
            if let Some((h, g)) = header {
                self.row(g, h, None);
            }
        }
        let mut next = vec![0usize; laid.len()];
        loop {
            let avail = self.room() - 2.0 * grid.pad_y;
            // How many more lines of each cell fit here.
            let mut used = 0.0f32;
            let mut takes = Vec::with_capacity(laid.len());
            for (lines, from) in laid.iter().zip(&next) {
                let (mut h, mut to) = (0.0, *from);
                while to < lines.len() && h + lines[to].style.line_height() <= avail {
                    h += lines[to].style.line_height();
                    to += 1;
                }
                used = used.max(h);
                takes.push(to);
            }
            let progress = takes.iter().zip(&next).any(|(to, from)| to > from);
            if !progress {
                if self.y >= TOP - header_h - 1.0 {
                    // Not even one line fits on an empty page: draw the next line of each cell regardless.
                    for ((to, from), lines) in takes.iter_mut().zip(&next).zip(&laid) {
                        if *from < lines.len() {
                            *to = from + 1;
                            used = used.max(lines[*from].style.line_height());
                        }
                    }
                } else {
                    self.new_page();
                    if let Some((h, g)) = header {
                        self.row(g, h, None);
                    }
                    continue;
                }
            }
            let h = used + 2.0 * grid.pad_y;
            if let Some(ink) = grid.shade {
                self.fill(grid.x, self.y - h, grid.total(), h, ink);
            }
            if let Some(ink) = grid.rule {
                self.fill(grid.x, self.y - h, grid.total(), 0.4, ink);
            }
            let mut x = grid.x;
            for (((lines, from), to), w) in laid.iter().zip(&next).zip(&takes).zip(&grid.widths) {
                let mut top = self.y - grid.pad_y;
                for line in &lines[*from..*to] {
                    self.text(
                        x + grid.pad_x,
                        line.style.baseline(top),
                        line.text,
                        line.style,
                    );
                    top -= line.style.line_height();
                }
                x += w;
            }
            self.y -= h;
            next = takes;
            if next.iter().zip(&laid).all(|(n, lines)| *n >= lines.len()) {
                break;
            }
            self.new_page();
            if let Some((h, g)) = header {
                self.row(g, h, None);
            }
        }
    }

    /// Starts a table: keeps its header with at least its first row's worth of space.
    pub fn table_start(&mut self, table: &Table<'_>, first_row: Option<&[Cell<'_>]>) {
        let header_h = table
            .header
            .as_ref()
            .map_or(0.0, |(h, g)| self.row_height(g, h));
        let first = first_row.map_or(0.0, |r| self.row_height(&table.grid, r));
        self.ensure(header_h + first.min(60.0));
        if let Some((h, g)) = &table.header {
            self.row(g, h, None);
        }
    }

    pub fn table_row(&mut self, table: &Table<'_>, cells: &[Cell<'_>]) {
        let header = table.header.as_ref().map(|(h, g)| (h.as_slice(), g));
        self.row(&table.grid, cells, header);
    }

    /// The glyphs drawn in each face, as printpdf will encode them: every character's glyph id, and glyph 0 for
    /// characters the face lacks.
    fn used_glyphs(&self) -> [BTreeSet<u16>; 3] {
        let mut chars: [BTreeSet<char>; 3] = Default::default();
        for page in &self.pages {
            let mut face = None;
            for op in &page.text {
                match op {
                    Op::SetFont {
                        font: PdfFontHandle::External(id),
                        ..
                    } => face = self.ids.iter().position(|i| i == id),
                    Op::ShowText { items } => {
                        if let Some(f) = face {
                            for item in items {
                                if let TextItem::Text(t) = item {
                                    chars[f].extend(t.chars());
                                }
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        let mut glyphs: [BTreeSet<u16>; 3] = Default::default();
        for ((set, chars), metrics) in glyphs.iter_mut().zip(&chars).zip(&self.fonts.faces) {
            set.insert(0);
            set.extend(
                chars
                    .iter()
                    .filter_map(|c| metrics.font.lookup_glyph_index(*c as u32)),
            );
        }
        glyphs
    }

    /// Writes the PDF: one `BT … ET` text section per page, over the page's shapes; fonts cut down to the glyphs
    /// drawn; dated at [`Flow::set_created`]'s time and claiming no conformance it does not have.
    pub fn save(mut self) -> Vec<u8> {
        let used = self.used_glyphs();
        for (id, face) in self.ids.iter().zip(&self.fonts.faces) {
            self.doc
                .resources
                .fonts
                .map
                .insert(id.clone(), PdfFont::new(face.font.clone()));
        }
        let pages: Vec<PdfPage> = std::mem::take(&mut self.pages)
            .into_iter()
            .map(|page| {
                let mut ops = page.shapes;
                ops.reserve(page.text.len() + 2);
                ops.push(Op::StartTextSection);
                ops.extend(page.text);
                ops.push(Op::EndTextSection);
                PdfPage::new(Mm(210.0), Mm(297.0), ops)
            })
            .collect();
        // printpdf compresses every stream at zlib's best level (9), which is most of the time a long packet takes
        // to write. The document is taken uncompressed and its streams deflated here at zlib's default level (6):
        // the same size to within a percent, in much less time. (`subset_fonts` only acts with printpdf's
        // `text_layout` feature, which is not built: [`subset_fonts`] below does it.)
        let unpacked = PdfSaveOptions {
            optimize: false,
            ..PdfSaveOptions::default()
        };
        let mut doc = self
            .doc
            .with_pages(pages)
            .to_lopdf_document(&unpacked, &mut Vec::new());
        subset_fonts(&mut doc, self.fonts, &used);
        describe(&mut doc, self.created.as_deref(), self.identity.as_deref());
        compress_streams(&mut doc);
        let mut out = Vec::new();
        doc.save_to(&mut out)
            .expect("writing a PDF into memory cannot fail");
        out
    }
}

/// Replaces each embedded face (printpdf writes the whole font program) with the subset of the glyphs drawn in
/// it, and tags its names as a subset (`ABCDEF+DejaVuSans`, ISO 32000-1 9.6.4).
fn subset_fonts(doc: &mut lopdf::Document, fonts: &Fonts, used: &[BTreeSet<u16>; 3]) {
    use lopdf::Object;
    // Font program stream → the tag its font's names get.
    let mut tags: Vec<(lopdf::ObjectId, String)> = Vec::new();
    for (id, object) in doc.objects.iter_mut() {
        let Object::Stream(stream) = object else {
            continue;
        };
        let Some(face) = fonts
            .faces
            .iter()
            .position(|m| stream.content.as_slice() == m.bytes)
        else {
            continue;
        };
        if let Some(small) = subset::subset(fonts.faces[face].bytes, &used[face]) {
            stream
                .dict
                .set("Length1", Object::Integer(small.len() as i64));
            tags.push((*id, subset_tag(face, &used[face])));
            stream.set_content(small);
        }
    }
    if tags.is_empty() {
        return;
    }
    // Type0 font → its descendant (inline) → descriptor → font program: rename all three levels alike.
    let tag_of = |doc: &lopdf::Document, descriptor: lopdf::ObjectId| -> Option<String> {
        let program = doc
            .get_dictionary(descriptor)
            .ok()?
            .get(b"FontFile2")
            .ok()?
            .as_reference()
            .ok()?;
        tags.iter()
            .find(|(id, _)| *id == program)
            .map(|(_, t)| t.clone())
    };
    let type0: Vec<(lopdf::ObjectId, lopdf::ObjectId, String)> = doc
        .objects
        .iter()
        .filter_map(|(id, o)| {
            let dict = o.as_dict().ok()?;
            if dict.get(b"Subtype").ok()?.as_name().ok()? != b"Type0" {
                return None;
            }
            let descendant = dict
                .get(b"DescendantFonts")
                .ok()?
                .as_array()
                .ok()?
                .first()?;
            let descriptor = descendant
                .as_dict()
                .ok()?
                .get(b"FontDescriptor")
                .ok()?
                .as_reference()
                .ok()?;
            Some((*id, descriptor, tag_of(doc, descriptor)?))
        })
        .collect();
    for (font, descriptor, tag) in type0 {
        let Ok(dict) = doc.get_dictionary_mut(font) else {
            continue;
        };
        let Some(name) = dict
            .get(b"BaseFont")
            .and_then(Object::as_name)
            .ok()
            .map(|n| [tag.as_bytes(), b"+", n].concat())
        else {
            continue;
        };
        dict.set("BaseFont", Object::Name(name.clone()));
        if let Ok(Object::Dictionary(d)) = dict
            .get_mut(b"DescendantFonts")
            .and_then(Object::as_array_mut)
            .map(|a| &mut a[0])
        {
            d.set("BaseFont", Object::Name(name.clone()));
        }
        if let Ok(d) = doc.get_dictionary_mut(descriptor) {
            d.set("FontName", Object::Name(name));
        }
    }
}

/// Six capital letters that name a subset: derived from the face and the glyphs in it, so the same document
/// gets the same names.
fn subset_tag(face: usize, glyphs: &BTreeSet<u16>) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update([face as u8]);
    for g in glyphs {
        h.update(g.to_be_bytes());
    }
    h.finalize()[..6]
        .iter()
        .map(|b| char::from(b'A' + b % 26))
        .collect()
}

/// A plain PDF 1.7 with an honest Info dictionary: the title, what made it, and its date when known. printpdf
/// writes PDF 1.3, every Info key (most empty), a 1970 date and a `GTS_PDFXVersion` entry, the PDF/X marker.
fn describe(doc: &mut lopdf::Document, created: Option<&str>, identity: Option<&str>) {
    use lopdf::{Object, StringFormat};
    doc.version = "1.7".into();
    if let Ok(info) = doc
        .trailer
        .get(b"Info")
        .and_then(Object::as_reference)
        .and_then(|id| doc.get_dictionary_mut(id))
    {
        for key in [
            &b"GTS_PDFXVersion"[..],
            b"Trapped",
            b"Identifier",
            b"Keywords",
            b"Author",
            b"Subject",
            b"CreationDate",
            b"ModDate",
        ] {
            info.remove(key);
        }
        info.set("Creator", Object::string_literal("Go-Live Signoff"));
        info.set(
            "Producer",
            Object::string_literal(format!("golive {}", env!("CARGO_PKG_VERSION"))),
        );
        if let Some(date) = created {
            info.set("CreationDate", Object::string_literal(date));
            info.set("ModDate", Object::string_literal(date));
        }
    }
    if let Some(seed) = identity {
        use sha2::{Digest, Sha256};
        let id = Sha256::digest(seed.as_bytes())[..16].to_vec();
        let id = Object::String(id, StringFormat::Hexadecimal);
        doc.trailer.set("ID", Object::Array(vec![id.clone(), id]));
    }
}

/// Deflates every stream that may be compressed and is not yet, keeping it plain where deflating does not help,
/// as printpdf's own pass does.
fn compress_streams(doc: &mut lopdf::Document) {
    for object in doc.objects.values_mut() {
        if let lopdf::Object::Stream(stream) = object {
            if stream.allows_compression && stream.dict.get(b"Filter").is_err() {
                deflate(stream);
            }
        }
    }
}

fn deflate(stream: &mut lopdf::Stream) {
    use std::io::Write;
    let mut encoder = flate2::write::ZlibEncoder::new(
        Vec::with_capacity(stream.content.len() / 4),
        flate2::Compression::default(),
    );
    encoder
        .write_all(&stream.content)
        .expect("deflating into memory cannot fail");
    let packed = encoder.finish().expect("deflating into memory cannot fail");
    // The filter entry costs about 19 bytes; below that gain the stream stays as it is.
    if packed.len() + 19 < stream.content.len() {
        stream.dict.set("Filter", "FlateDecode");
        stream.set_content(packed);
    }
}

fn height_of(laid: &[Vec<Line<'_>>], grid: &Grid) -> f32 {
    let content = laid
        .iter()
        .map(|lines| lines.iter().map(|l| l.style.line_height()).sum::<f32>())
        .fold(0.0f32, f32::max);
    content + 2.0 * grid.pad_y
}

/// Positions to a hundredth of a point: shorter content streams, no visible difference.
fn round(v: f32) -> f32 {
    (v * 100.0).round() / 100.0
}

fn rgb((r, g, b): Ink) -> Color {
    Color::Rgb(Rgb::new(r, g, b, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: Style = Style::new(Face::Regular, 10.0, (0.0, 0.0, 0.0));

    fn wrap(text: &str, style: Style, max: f32) -> Vec<String> {
        let mut out = Vec::new();
        fonts().unwrap().wrap(text, style, max, &mut out);
        out.into_iter().map(str::to_owned).collect()
    }

    #[test]
    fn widths_come_from_the_font_and_scale_with_size() {
        let f = fonts().unwrap();
        let mono = Style::new(Face::Mono, 10.0, (0.0, 0.0, 0.0));
        // DejaVu Sans Mono: every glyph is 1233 / 2048 em wide.
        let w = f.width("0123456789abcdef", mono);
        assert!((w - 16.0 * 10.0 * 1233.0 / 2048.0).abs() < 0.01, "{w}");
        assert!(f.width("W", BODY) > f.width("i", BODY));
        let big = Style { size: 20.0, ..BODY };
        assert!((f.width("Łukasz Ż €", big) - 2.0 * f.width("Łukasz Ż €", BODY)).abs() < 0.01);
        assert!(f.width("Жанна", BODY) > 0.0 && f.width("✓✗", BODY) > 0.0);
    }

    #[test]
    fn lines_break_at_spaces_and_never_exceed_the_width() {
        let text = "Zoë Kowalski signed the engineering items after the live probe passed; José Álvarez recorded €25.00.";
        let lines = wrap(text, BODY, 120.0);
        assert!(lines.len() > 3, "{lines:?}");
        for line in &lines {
            assert!(fonts().unwrap().width(line, BODY) <= 120.0, "{line}");
            assert!(!line.starts_with(' ') && !line.ends_with(' '), "'{line}'");
        }
        assert_eq!(lines.join(" "), text);
    }

    #[test]
    fn a_token_wider_than_the_line_is_cut_and_nothing_is_lost() {
        let hash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855".repeat(3);
        let text = format!("sha256 {hash} end");
        let lines = wrap(&text, BODY, 100.0);
        for line in &lines {
            assert!(fonts().unwrap().width(line, BODY) <= 100.0, "{line}");
        }
        assert!(
            lines[0].starts_with("sha256 e3b0"),
            "the hash fills the first line: {lines:?}"
        );
        let glued: String = lines.concat().split_whitespace().collect();
        assert_eq!(glued, text.split_whitespace().collect::<String>());
        // Even a single glyph wider than the line makes progress, one glyph per line.
        assert_eq!(wrap("WWW", BODY, 1.0), ["W", "W", "W"]);
    }

    #[test]
    fn a_long_path_is_cut_after_a_separator_when_it_can_be() {
        let lines = wrap("documentation/product question", BODY, 80.0);
        assert_eq!(lines[0], "documentation/", "{lines:?}");
        let path = "reconciliation-2026-11-23-batch-2-of-the-first-day.csv";
        let lines = wrap(path, BODY, 120.0);
        assert!(lines.len() > 1 && lines[0].ends_with('-'), "{lines:?}");
        assert_eq!(lines.concat(), path);
        for line in &lines {
            assert!(fonts().unwrap().width(line, BODY) <= 120.0, "{line}");
        }
    }

    #[test]
    fn newlines_and_control_characters_are_kept_as_breaks_and_spaces() {
        assert_eq!(wrap("a\n\nb", BODY, 300.0), ["a", "", "b"]);
        assert_eq!(wrap("", BODY, 300.0), [""]);
        assert_eq!(clean("a\tb\r\nc"), "a b\nc");
        assert!(matches!(clean("plain"), Cow::Borrowed(_)));
        assert_eq!(wrap("two  spaces", BODY, 300.0), ["two  spaces"]);
    }

    #[test]
    fn a_row_taller_than_a_page_is_split_across_pages_with_its_header() {
        let fonts = fonts().unwrap();
        let mut flow = Flow::new(fonts, "t", BODY);
        let grid = Grid::fractions(&[0.3, 0.7]);
        let table = Table {
            header: Some((
                vec![vec![Para::new("Header", BODY)]],
                Grid::fractions(&[1.0]),
            )),
            grid,
        };
        table_rows(&mut flow, &table);
        assert!(flow.page_count() >= 3, "{} pages", flow.page_count());
        assert!(flow.y >= BOTTOM, "the cursor stays above the footer");
        let pdf = flow.save();
        assert!(pdf.starts_with(b"%PDF-"));
    }

    fn table_rows(flow: &mut Flow, table: &Table<'_>) {
        let long = (0..200)
            .map(|n| format!("evidence line {n}"))
            .collect::<Vec<_>>()
            .join("\n");
        flow.table_start(table, None);
        flow.table_row(
            table,
            &[vec![Para::new("item", BODY)], vec![Para::new(long, BODY)]],
        );
    }
}
