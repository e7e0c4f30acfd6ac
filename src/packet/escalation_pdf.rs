//! The escalation as a one-document PDF, through the same renderer as the packet.

use crate::packet::escalation::EscalationPacket;
use crate::packet::pdf::PdfError;

pub fn render(escalation: &EscalationPacket) -> Result<Vec<u8>, PdfError> {
    let _ = escalation;
    Err(PdfError)
}
