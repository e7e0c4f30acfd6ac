//! A small document model laid out onto A4 pages and written as PDF: headings, wrapped paragraphs, tables and
//! key / value lists, with a footer on every page ("Page N of M" and a caller's note, such as a digest).
//!
//! printpdf draws glyphs but does no wrapping or pagination, so lines are measured here from the embedded font's
//! own advance widths. DejaVu Sans is embedded (and subset) so any name — José, Zoë, Łukasz, €, Cyrillic — prints.

use std::sync::LazyLock;

use printpdf::{
    Color, FontId, Mm, Op, PaintMode, ParsedFont, PdfDocument, PdfFontHandle, PdfPage,
    PdfSaveOptions, Point, Pt, Rect, Rgb, TextItem, WindingOrder,
};

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the embedded font could not be read: {0}")]
    Font(String),
}

/// Content, top to bottom.
pub enum Block {
    Title(String),
    Heading(String),
    Subheading(String),
    Paragraph(String),
    /// Small grey text.
    Note(String),
    /// A large coloured banner line (the verdict).
    Banner {
        text: String,
        good: bool,
    },
    /// Indented text with a leading mark (✓, ✗, •).
    Bullet {
        mark: String,
        text: String,
        level: u8,
    },
    /// Columns as fractions of the text width; the header repeats on each page the table runs onto.
    Table {
        columns: Vec<f32>,
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    KeyValues(Vec<(String, String)>),
    PageBreak,
}

pub struct Document {
    pub title: String,
    pub blocks: Vec<Block>,
    /// Printed in every footer, e.g. "digest 3f2b…".
    pub footer_note: String,
}

const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN_X: f32 = 48.0;
const MARGIN_TOP: f32 = 52.0;
const MARGIN_BOTTOM: f32 = 64.0;
const TEXT_W: f32 = PAGE_W - 2.0 * MARGIN_X;
const CELL_PAD: f32 = 4.0;
const TABLE_SIZE: f32 = 8.5;
const TABLE_LH: f32 = TABLE_SIZE * 1.3;

struct Fonts {
    regular: ParsedFont,
    bold: ParsedFont,
}

static FONTS: LazyLock<Result<Fonts, String>> = LazyLock::new(|| {
    let parse = |bytes: &[u8], name: &str| {
        ParsedFont::from_bytes(bytes, 0, &mut Vec::new())
            .ok_or_else(|| format!("{name} did not parse"))
    };
    Ok(Fonts {
        regular: parse(dejavu::sans::regular(), "DejaVu Sans")?,
        bold: parse(dejavu::sans::bold(), "DejaVu Sans Bold")?,
    })
});

#[derive(Clone, Copy, PartialEq)]
enum Face {
    Regular,
    Bold,
}

#[derive(Clone, Copy)]
struct Style {
    face: Face,
    size: f32,
    color: (f32, f32, f32),
}

const BLACK: (f32, f32, f32) = (0.06, 0.09, 0.16);
const GREY: (f32, f32, f32) = (0.39, 0.45, 0.55);
const GREEN: (f32, f32, f32) = (0.08, 0.50, 0.24);
const RED: (f32, f32, f32) = (0.73, 0.11, 0.11);

impl Fonts {
    fn font(&self, face: Face) -> &ParsedFont {
        match face {
            Face::Regular => &self.regular,
            Face::Bold => &self.bold,
        }
    }

    /// The advance width of `text` in points.
    fn width(&self, text: &str, face: Face, size: f32) -> f32 {
        let font = self.font(face);
        let units = font.units_per_em.max(1) as f32;
        let mut total = 0u32;
        for c in text.chars() {
            let gid = font.lookup_glyph_index(c as u32).unwrap_or(0);
            total += u32::from(font.get_glyph_width(gid).unwrap_or((units / 2.0) as u16));
        }
        total as f32 / units * size
    }

    /// Breaks `text` into lines no wider than `max`: at spaces where possible, inside a word (an id or a hash) when
    /// the word alone is too wide. Explicit newlines are kept.
    fn wrap(&self, text: &str, face: Face, size: f32, max: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            for word in paragraph.split(' ') {
                let candidate = if line.is_empty() {
                    word.to_string()
                } else {
                    format!("{line} {word}")
                };
                if self.width(&candidate, face, size) <= max {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                // The word alone may still be too wide: cut it where it stops fitting.
                let mut piece = String::new();
                for c in word.chars() {
                    piece.push(c);
                    if self.width(&piece, face, size) > max && piece.chars().count() > 1 {
                        let last = piece.pop().expect("piece has a char");
                        lines.push(std::mem::take(&mut piece));
                        piece.push(last);
                    }
                }
                line = piece;
            }
            lines.push(line);
        }
        lines
    }
}

/// Page-by-page drawing state.
struct Layout<'a> {
    fonts: &'a Fonts,
    ids: [FontId; 2],
    pages: Vec<Vec<Op>>,
    y: f32,
}

impl Layout<'_> {
    fn ops(&mut self) -> &mut Vec<Op> {
        self.pages.last_mut().expect("there is always a page")
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = PAGE_H - MARGIN_TOP;
    }

    /// Makes room for `height` points, starting a new page when this one is full.
    fn need(&mut self, height: f32) {
        if self.y - height < MARGIN_BOTTOM {
            self.new_page();
        }
    }

    fn text_at(&mut self, x: f32, baseline: f32, text: &str, style: Style) {
        if text.is_empty() {
            return;
        }
        let font = self.ids[style.face as usize].clone();
        let (r, g, b) = style.color;
        self.ops().extend([
            Op::StartTextSection,
            Op::SetFillColor {
                col: Color::Rgb(Rgb::new(r, g, b, None)),
            },
            Op::SetFont {
                font: PdfFontHandle::External(font),
                size: Pt(style.size),
            },
            Op::SetTextCursor {
                pos: Point {
                    x: Pt(x),
                    y: Pt(baseline),
                },
            },
            Op::ShowText {
                items: vec![TextItem::Text(text.to_string())],
            },
            Op::EndTextSection,
        ]);
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: (f32, f32, f32)) {
        let (r, g, b) = color;
        self.ops().extend([
            Op::SetFillColor {
                col: Color::Rgb(Rgb::new(r, g, b, None)),
            },
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

    /// Wrapped text flowing down the page from `x`, `width` wide.
    fn flow(&mut self, x: f32, width: f32, text: &str, style: Style, space_after: f32) {
        let lh = style.size * 1.35;
        for line in self.fonts.wrap(text, style.face, style.size, width) {
            self.need(lh);
            self.y -= lh;
            self.text_at(x, self.y + style.size * 0.28, &line, style);
        }
        self.y -= space_after;
    }

    fn wrap_row(&self, cells: &[String], widths: &[f32], face: Face) -> Vec<Vec<String>> {
        cells
            .iter()
            .zip(widths)
            .map(|(cell, w)| self.fonts.wrap(cell, face, TABLE_SIZE, w - 2.0 * CELL_PAD))
            .collect()
    }

    /// Draws lines `from..to` of a wrapped row as one band of cells.
    fn draw_band(
        &mut self,
        wrapped: &[Vec<String>],
        widths: &[f32],
        (from, to): (usize, usize),
        face: Face,
        shade: Option<(f32, f32, f32)>,
    ) {
        let height = (to - from) as f32 * TABLE_LH + 2.0 * CELL_PAD;
        if let Some(color) = shade {
            self.rect(MARGIN_X, self.y - height, TEXT_W, height, color);
        }
        let top = self.y;
        let mut x = MARGIN_X;
        for (cell, w) in wrapped.iter().zip(widths) {
            for (n, line) in cell.iter().enumerate().take(to).skip(from) {
                let baseline =
                    top - CELL_PAD - ((n - from) as f32 + 1.0) * TABLE_LH + TABLE_SIZE * 0.28;
                self.text_at(
                    x + CELL_PAD,
                    baseline,
                    line,
                    Style {
                        face,
                        size: TABLE_SIZE,
                        color: BLACK,
                    },
                );
            }
            x += w;
        }
        self.y -= height;
    }

    /// A table whose header repeats on every page it runs onto. A row that fits on a page is kept whole; a row
    /// taller than a page (an item with hundreds of evidence lines) continues on the next page.
    fn table(&mut self, columns: &[f32], header: &[String], rows: &[Vec<String>]) {
        const HEADER_SHADE: Option<(f32, f32, f32)> = Some((0.89, 0.91, 0.94));
        let widths: Vec<f32> = columns.iter().map(|c| c * TEXT_W).collect();
        let head = self.wrap_row(header, &widths, Face::Bold);
        let head_lines = head.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let head_h = head_lines as f32 * TABLE_LH + 2.0 * CELL_PAD;
        let page_room = PAGE_H - MARGIN_TOP - MARGIN_BOTTOM - head_h;
        self.need(head_h + TABLE_LH + 2.0 * CELL_PAD);
        self.draw_band(&head, &widths, (0, head_lines), Face::Bold, HEADER_SHADE);
        for (n, row) in rows.iter().enumerate() {
            let shade = if n % 2 == 1 {
                Some((0.97, 0.98, 0.99))
            } else {
                None
            };
            let wrapped = self.wrap_row(row, &widths, Face::Regular);
            let total = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
            let whole = total as f32 * TABLE_LH + 2.0 * CELL_PAD;
            if self.y - whole < MARGIN_BOTTOM && whole <= page_room {
                self.new_page();
                self.draw_band(&head, &widths, (0, head_lines), Face::Bold, HEADER_SHADE);
            }
            let mut from = 0;
            while from < total {
                let room = ((self.y - MARGIN_BOTTOM - 2.0 * CELL_PAD) / TABLE_LH).floor();
                if room < 1.0 {
                    self.new_page();
                    self.draw_band(&head, &widths, (0, head_lines), Face::Bold, HEADER_SHADE);
                    continue;
                }
                let to = total.min(from + room as usize);
                self.draw_band(&wrapped, &widths, (from, to), Face::Regular, shade);
                from = to;
            }
        }
        self.y -= 8.0;
    }
}

pub fn render(doc: &Document) -> Result<Vec<u8>, PdfError> {
    let fonts = FONTS.as_ref().map_err(|e| PdfError::Font(e.clone()))?;
    let mut pdf = PdfDocument::new(&doc.title);
    let ids = [pdf.add_font(&fonts.regular), pdf.add_font(&fonts.bold)];
    let mut layout = Layout {
        fonts,
        ids,
        pages: Vec::new(),
        y: 0.0,
    };
    layout.new_page();

    let body = Style {
        face: Face::Regular,
        size: 10.0,
        color: BLACK,
    };
    for block in &doc.blocks {
        match block {
            Block::Title(t) => layout.flow(
                MARGIN_X,
                TEXT_W,
                t,
                Style {
                    face: Face::Bold,
                    size: 22.0,
                    color: BLACK,
                },
                6.0,
            ),
            Block::Heading(t) => {
                layout.need(60.0);
                layout.y -= 10.0;
                layout.flow(
                    MARGIN_X,
                    TEXT_W,
                    t,
                    Style {
                        face: Face::Bold,
                        size: 15.0,
                        color: BLACK,
                    },
                    2.0,
                );
                layout.rect(MARGIN_X, layout.y, TEXT_W, 0.8, GREY);
                layout.y -= 6.0;
            }
            Block::Subheading(t) => {
                layout.need(40.0);
                layout.y -= 4.0;
                layout.flow(
                    MARGIN_X,
                    TEXT_W,
                    t,
                    Style {
                        face: Face::Bold,
                        size: 11.5,
                        color: BLACK,
                    },
                    2.0,
                );
            }
            Block::Paragraph(t) => layout.flow(MARGIN_X, TEXT_W, t, body, 4.0),
            Block::Note(t) => layout.flow(
                MARGIN_X,
                TEXT_W,
                t,
                Style {
                    face: Face::Regular,
                    size: 8.5,
                    color: GREY,
                },
                3.0,
            ),
            Block::Banner { text, good } => {
                let height = 44.0;
                layout.need(height + 8.0);
                let color = if *good { GREEN } else { RED };
                layout.rect(MARGIN_X, layout.y - height, TEXT_W, height, color);
                let baseline = layout.y - height / 2.0 - 8.0;
                layout.text_at(
                    MARGIN_X + 14.0,
                    baseline,
                    text,
                    Style {
                        face: Face::Bold,
                        size: 22.0,
                        color: (1.0, 1.0, 1.0),
                    },
                );
                layout.y -= height + 8.0;
            }
            Block::Bullet { mark, text, level } => {
                let indent = 14.0 * f32::from(*level);
                let style = Style {
                    face: Face::Regular,
                    size: if *level > 0 { 8.5 } else { 10.0 },
                    color: if *level > 0 { GREY } else { BLACK },
                };
                let mark_style = Style {
                    face: Face::Bold,
                    color: match mark.as_str() {
                        "✓" => GREEN,
                        "✗" => RED,
                        _ => style.color,
                    },
                    ..style
                };
                let lh = style.size * 1.35;
                layout.need(lh);
                let top = layout.y;
                layout.text_at(
                    MARGIN_X + indent,
                    top - lh + style.size * 0.28,
                    mark,
                    mark_style,
                );
                layout.flow(
                    MARGIN_X + indent + 14.0,
                    TEXT_W - indent - 14.0,
                    text,
                    style,
                    1.0,
                );
            }
            Block::Table {
                columns,
                header,
                rows,
            } => layout.table(columns, header, rows),
            Block::KeyValues(pairs) => {
                let rows: Vec<Vec<String>> = pairs
                    .iter()
                    .map(|(k, v)| vec![k.clone(), v.clone()])
                    .collect();
                layout.table(&[0.38, 0.62], &["Field".into(), "Value".into()], &rows);
            }
            Block::PageBreak => layout.new_page(),
        }
    }

    // Footers need the page count, so they are drawn once every page exists.
    let total = layout.pages.len();
    let note = Style {
        face: Face::Regular,
        size: 7.0,
        color: GREY,
    };
    let pages: Vec<PdfPage> = std::mem::take(&mut layout.pages)
        .into_iter()
        .enumerate()
        .map(|(n, ops)| {
            layout.pages.push(ops);
            layout.rect(MARGIN_X, 44.0, TEXT_W, 0.5, GREY);
            let label = format!("Page {} of {total}", n + 1);
            let label_w = fonts.width(&label, Face::Regular, 8.0);
            layout.text_at(
                PAGE_W - MARGIN_X - label_w,
                32.0,
                &label,
                Style { size: 8.0, ..note },
            );
            for (k, line) in fonts
                .wrap(
                    &doc.footer_note,
                    Face::Regular,
                    7.0,
                    TEXT_W - label_w - 16.0,
                )
                .iter()
                .enumerate()
            {
                layout.text_at(MARGIN_X, 32.0 - 9.0 * k as f32, line, note);
            }
            let ops = layout.pages.pop().expect("just pushed");
            PdfPage::new(Mm(210.0), Mm(297.0), ops)
        })
        .collect();
    Ok(pdf
        .with_pages(pages)
        .save(&PdfSaveOptions::default(), &mut Vec::new()))
}
