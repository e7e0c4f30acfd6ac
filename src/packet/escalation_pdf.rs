//! The escalation as a PDF, through the same document renderer as the packet.

use crate::packet::document::{self, Block, Document, PdfError};
use crate::packet::escalation::EscalationPacket;

pub fn render(e: &EscalationPacket) -> Result<Vec<u8>, PdfError> {
    let mut b = vec![
        Block::Note(format!("To: {}", e.to)),
        Block::Title(format!("{:?} {} escalation", e.severity, e.severity_name)),
        Block::Paragraph(e.subject.clone()),
        Block::Paragraph(e.summary.clone()),
        Block::KeyValues(
            e.fields
                .iter()
                .map(|f| {
                    (
                        f.name.clone(),
                        f.value.clone().unwrap_or_else(|| "(not yet known)".into()),
                    )
                })
                .collect(),
        ),
    ];
    if !e.identifiers.is_empty() {
        b.push(Block::Heading("Recorded identifiers".into()));
        b.push(Block::KeyValues(
            e.identifiers
                .iter()
                .map(|(t, ids)| (t.clone(), ids.join(", ")))
                .collect(),
        ));
    }
    b.push(Block::Heading("Never include".into()));
    for line in &e.never_include {
        b.push(Block::Bullet {
            mark: "✗".into(),
            text: line.clone(),
            level: 0,
        });
    }
    document::render(&Document {
        title: e.subject.clone(),
        blocks: b,
        footer_note: format!("{} · {} · {:?}", e.launch, e.partner_id, e.severity),
    })
}
