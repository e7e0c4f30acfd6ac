// TEMPORARY placeholder so the crate compiles while the PDF renderer is being written; replaced wholesale.
#[derive(Debug, thiserror::Error)]
#[error("the PDF renderer is not available in this build")]
pub struct PdfError;

pub fn render(_packet: &crate::packet::model::Packet) -> Result<Vec<u8>, PdfError> {
    Err(PdfError)
}
