//! Check-digit validators. A number or address only counts as personal or financial data when its own checksum
//! says so: a 16-digit reference that fails Luhn, or an IBAN-shaped string that fails mod-97, is left alone.

use sha2::{Digest, Sha256};

/// Luhn (mod 10) over ASCII digits, as used by payment card numbers. Anything that is not a digit fails.
pub fn luhn(digits: &str) -> bool {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let d = d * 2;
                if d > 9 {
                    d - 9
                } else {
                    d
                }
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

/// ISO 13616 IBAN check (mod 97 == 1) on the compact form: country letters, two check digits, then 11–30
/// upper-case letters or digits.
pub fn iban_mod97(compact: &str) -> bool {
    let b = compact.as_bytes();
    if !(15..=34).contains(&b.len())
        || !b[..2].iter().all(u8::is_ascii_uppercase)
        || !b[2..4].iter().all(u8::is_ascii_digit)
        || !b[4..]
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    {
        return false;
    }
    let mut rem: u32 = 0;
    for &c in b[4..].iter().chain(&b[..4]) {
        if c.is_ascii_digit() {
            rem = (rem * 10 + u32::from(c - b'0')) % 97;
        } else {
            rem = (rem * 100 + u32::from(c - b'A' + 10)) % 97;
        }
    }
    rem == 1
}

/// The length of an IBAN in each country that issues them (the ISO 13616 registry), or `None` for a code that
/// issues none. Upper-case IBANs are taken on mod-97 alone (the registry grows); text in any other case must also
/// match its country's length, since lower-case words and hex ids meet mod-97 by chance one time in 97.
pub fn iban_country_length(country: &str) -> Option<usize> {
    const LENGTHS: &[(&str, usize)] = &[
        ("AD", 24),
        ("AE", 23),
        ("AL", 28),
        ("AT", 20),
        ("AZ", 28),
        ("BA", 20),
        ("BE", 16),
        ("BG", 22),
        ("BH", 22),
        ("BI", 27),
        ("BR", 29),
        ("BY", 28),
        ("CH", 21),
        ("CR", 22),
        ("CY", 28),
        ("CZ", 24),
        ("DE", 22),
        ("DJ", 27),
        ("DK", 18),
        ("DO", 28),
        ("EE", 20),
        ("EG", 29),
        ("ES", 24),
        ("FI", 18),
        ("FK", 18),
        ("FO", 18),
        ("FR", 27),
        ("GB", 22),
        ("GE", 22),
        ("GI", 23),
        ("GL", 18),
        ("GR", 27),
        ("GT", 28),
        ("HR", 21),
        ("HU", 28),
        ("IE", 22),
        ("IL", 23),
        ("IQ", 23),
        ("IS", 26),
        ("IT", 27),
        ("JO", 30),
        ("KW", 30),
        ("KZ", 20),
        ("LB", 28),
        ("LC", 32),
        ("LI", 21),
        ("LT", 20),
        ("LU", 20),
        ("LV", 21),
        ("LY", 25),
        ("MC", 27),
        ("MD", 24),
        ("ME", 22),
        ("MK", 19),
        ("MN", 20),
        ("MR", 27),
        ("MT", 31),
        ("MU", 30),
        ("NI", 28),
        ("NL", 18),
        ("NO", 15),
        ("OM", 23),
        ("PK", 24),
        ("PL", 28),
        ("PS", 29),
        ("QA", 29),
        ("RO", 24),
        ("RS", 22),
        ("RU", 33),
        ("SA", 24),
        ("SC", 31),
        ("SD", 18),
        ("SE", 24),
        ("SI", 19),
        ("SK", 24),
        ("SM", 27),
        ("SO", 23),
        ("ST", 25),
        ("SV", 28),
        ("TL", 23),
        ("TN", 24),
        ("TR", 26),
        ("UA", 29),
        ("VA", 22),
        ("VG", 24),
        ("XK", 20),
        ("YE", 30),
    ];
    LENGTHS
        .iter()
        .find(|(code, _)| code.eq_ignore_ascii_case(country))
        .map(|&(_, len)| len)
}

/// An ABA routing transit number (US bank routing number): nine ASCII digits, the first two a Federal Reserve
/// routing symbol (01–12 banks, 21–32 thrifts, 61–72 electronic, 80 traveller's cheques), and the digits weighted
/// 3, 7, 1, 3, 7, 1, … summing to a multiple of 10. The prefix rule keeps `000000000` (which passes the weighted
/// sum) and most nine-digit ids and amounts out.
pub fn aba_routing(digits: &str) -> bool {
    let b = digits.as_bytes();
    if b.len() != 9 || !b.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let d = |i: usize| u32::from(b[i] - b'0');
    if !matches!(d(0) * 10 + d(1), 1..=12 | 21..=32 | 61..=72 | 80) {
        return false;
    }
    const WEIGHTS: [u32; 3] = [3, 7, 1];
    let sum: u32 = (0..9).map(|i| d(i) * WEIGHTS[i % 3]).sum();
    sum % 10 == 0
}

const BASE58: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/// Decodes Base58Check and verifies its 4-byte double-SHA-256 checksum; returns the payload (version byte
/// included) when it holds.
pub fn base58check(s: &str) -> Option<Vec<u8>> {
    let mut bytes: Vec<u8> = Vec::with_capacity(s.len());
    for c in s.bytes() {
        let mut carry = BASE58.iter().position(|&a| a == c)? as u32;
        for b in bytes.iter_mut().rev() {
            carry += u32::from(*b) * 58;
            *b = (carry & 0xff) as u8;
            carry >>= 8;
        }
        while carry > 0 {
            bytes.insert(0, (carry & 0xff) as u8);
            carry >>= 8;
        }
    }
    let zeros = s.bytes().take_while(|&c| c == b'1').count();
    let mut decoded = vec![0u8; zeros];
    decoded.extend(bytes);
    if decoded.len() < 5 {
        return None;
    }
    let (payload, check) = decoded.split_at(decoded.len() - 4);
    let digest = Sha256::digest(Sha256::digest(payload));
    (digest[..4] == *check).then(|| payload.to_vec())
}

/// A legacy (P2PKH) or P2SH Bitcoin address, mainnet or testnet, with a valid Base58Check checksum.
pub fn btc_base58_address(s: &str) -> bool {
    matches!(
        base58check(s).as_deref(),
        Some([0x00 | 0x05 | 0x6f | 0xc4, rest @ ..]) if rest.len() == 20
    )
}

/// A Base58Check address of a chain that shares Bitcoin's format with its own version byte: Litecoin (`L`, `M`),
/// Dogecoin (`D`, `A`, `9`), Dash (`X`, `7`), Tron (`T`) and Zcash transparent (`t1`, `t3`, two version bytes).
pub fn altcoin_base58_address(s: &str) -> bool {
    match base58check(s).as_deref() {
        Some([0x30 | 0x32 | 0x1e | 0x16 | 0x4c | 0x10 | 0x41, rest @ ..]) => rest.len() == 20,
        Some([0x1c, 0xb8 | 0xbd, rest @ ..]) => rest.len() == 20,
        _ => false,
    }
}

const BECH32_CHARSET: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
const BECH32_CONST: u32 = 1;
const BECH32M_CONST: u32 = 0x2bc8_30a3;

fn bech32_polymod(values: impl Iterator<Item = u8>) -> u32 {
    const GEN: [u32; 5] = [
        0x3b6a_57b2,
        0x2650_8e6d,
        0x1ea1_19fa,
        0x3d42_33dd,
        0x2a14_62b3,
    ];
    let mut chk: u32 = 1;
    for v in values {
        let top = chk >> 25;
        chk = ((chk & 0x01ff_ffff) << 5) ^ u32::from(v);
        for (i, g) in GEN.iter().enumerate() {
            if (top >> i) & 1 == 1 {
                chk ^= g;
            }
        }
    }
    chk
}

/// A native SegWit address (BIP 173 / BIP 350): `bc1…`, `tb1…` or `bcrt1…`, one case only, a valid checksum of
/// the kind its witness version requires (bech32 for v0, bech32m for v1–16) and a program of a valid length.
pub fn segwit_address(s: &str) -> bool {
    if s.len() > 90
        || (s.bytes().any(|c| c.is_ascii_lowercase()) && s.bytes().any(|c| c.is_ascii_uppercase()))
    {
        return false;
    }
    let s = s.to_ascii_lowercase();
    let Some(sep) = s.rfind('1') else {
        return false;
    };
    let (hrp, data) = (&s[..sep], &s.as_bytes()[sep + 1..]);
    if !matches!(hrp, "bc" | "tb" | "bcrt" | "ltc" | "tltc") || data.len() < 7 {
        return false;
    }
    let Some(values) = data
        .iter()
        .map(|c| BECH32_CHARSET.iter().position(|a| a == c).map(|p| p as u8))
        .collect::<Option<Vec<u8>>>()
    else {
        return false;
    };
    let expanded = hrp
        .bytes()
        .map(|c| c >> 5)
        .chain(std::iter::once(0))
        .chain(hrp.bytes().map(|c| c & 31))
        .chain(values.iter().copied());
    let constant = bech32_polymod(expanded);
    let version = values[0];
    let wanted = match version {
        0 => BECH32_CONST,
        1..=16 => BECH32M_CONST,
        _ => return false,
    };
    if constant != wanted {
        return false;
    }
    // 5-bit groups to bytes, no padding allowed beyond 4 zero bits.
    let program_5 = &values[1..values.len() - 6];
    let bits = program_5.len() * 5;
    if bits % 8 > 4 {
        return false;
    }
    let len = bits / 8;
    (2..=40).contains(&len) && (version != 0 || len == 20 || len == 32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_accepts_test_cards_and_refuses_neighbours() {
        for card in [
            "4242424242424242",
            "5555555555554444",
            "378282246310005",
            "6011111111111117",
            "4000056655665556",
        ] {
            assert!(luhn(card), "{card}");
        }
        for not in [
            "4242424242424241",
            "378282246310006",
            "",
            "4242-4242",
            "0000000000000001",
        ] {
            assert!(!luhn(not), "{not}");
        }
    }

    #[test]
    fn mod97_accepts_real_ibans_and_refuses_a_changed_digit() {
        for iban in [
            "GB82WEST12345698765432",
            "DE89370400440532013000",
            "FR1420041010050500013M02606",
            "NL91ABNA0417164300",
            "BE68539007547034",
        ] {
            assert!(iban_mod97(iban), "{iban}");
        }
        for not in [
            "GB82WEST12345698765433",
            "DE89370400440532013001",
            "gb82west12345698765432",
            "GB82WEST",
            "GBXXWEST12345698765432",
        ] {
            assert!(!iban_mod97(not), "{not}");
        }
    }

    #[test]
    fn aba_routing_numbers_need_the_prefix_and_the_3_7_1_sum() {
        for rtn in [
            "021000021",
            "011000015",
            "121000358",
            "026009593",
            "322271627",
            "111000025",
        ] {
            assert!(aba_routing(rtn), "{rtn}");
        }
        for not in [
            // One digit changed: the weighted sum no longer holds.
            "021000022",
            "121000359",
            // Passes the sum, but no Federal Reserve symbol starts with 00 or 99.
            "000000000",
            "990000000",
            "123456789",
            "02100002",
            "0210000210",
            "02100002a",
            "",
        ] {
            assert!(!aba_routing(not), "{not}");
        }
    }

    #[test]
    fn base58check_validates_bitcoin_addresses() {
        assert!(btc_base58_address("1111111111111111111114oLvT2"));
        assert!(btc_base58_address("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"));
        assert!(btc_base58_address("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"));
        // One character changed: the checksum no longer holds.
        assert!(!btc_base58_address("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3"));
        assert!(!btc_base58_address("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLz"));
        // Not Base58 at all (0, O, I, l are outside the alphabet).
        assert!(base58check("10OIl").is_none());
        assert_eq!(
            base58check("1111111111111111111114oLvT2").map(|p| p.len()),
            Some(21)
        );
    }

    #[test]
    fn segwit_addresses_need_the_right_checksum_kind() {
        for ok in [
            "bc1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq9e75rs",
            "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
            "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
            "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",
            "bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297",
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
        ] {
            assert!(segwit_address(ok), "{ok}");
        }
        for bad in [
            // Checksum off by one character.
            "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5",
            // Mixed case.
            "bc1qW508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
            // A v1 program with a bech32 (not bech32m) checksum (BIP 350 invalid vector).
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",
            // Unknown human-readable part.
            "ltc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
        ] {
            assert!(!segwit_address(bad), "{bad}");
        }
    }
}
