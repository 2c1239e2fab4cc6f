//! The fields of households.csv as the fast reader finds and reads them: separators sixteen bytes
//! at a time (or a machine word at a time), codes, numbers and blocks of flags, each checked as
//! strictly as the validating reader checks it.

use super::Unsupported;

/// A code of 1 to 16 bytes at `text[at..]` as one number: its bytes, zeros after (codes hold no
/// zero byte), so that two codes are equal exactly when their numbers are.
#[inline]
pub(super) fn pack(text: &[u8], at: usize, len: usize) -> u128 {
    debug_assert!((1..=16).contains(&len));
    match text.get(at..).and_then(<[u8]>::first_chunk::<16>) {
        Some(bytes) => u128::from_le_bytes(*bytes) & (u128::MAX >> (128 - 8 * len)),
        None => {
            let mut word = [0u8; 16];
            word[..len].copy_from_slice(&text[at..at + len]);
            u128::from_le_bytes(word)
        }
    }
}

/// For each byte, where its bits that are set lie, lowest first (the rest 0), and how many there
/// are. Places as 32-bit numbers, ready to be added to offsets four at a time (8 KiB).
const SET_BITS: ([[u32; 8]; 256], [u8; 256]) = {
    let (mut places, mut counts) = ([[0u32; 8]; 256], [0u8; 256]);
    let mut byte = 0;
    while byte < 256 {
        let (mut bit, mut count) = (0, 0);
        while bit < 8 {
            if byte & (1 << bit) != 0 {
                places[byte][count] = bit;
                count += 1;
            }
            bit += 1;
        }
        counts[byte] = count as u8;
        byte += 1;
    }
    (places, counts)
};

/// The offset of a byte's first bit, as [`set_bits`] takes it.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub(super) fn offsets(from: u32) -> safe_arch::m128i {
    safe_arch::set_splat_i32_m128i(from as i32)
}

/// The offset of the next byte's first bit.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub(super) fn next_offsets(from: safe_arch::m128i) -> safe_arch::m128i {
    safe_arch::add_i32_m128i(from, safe_arch::set_splat_i32_m128i(8))
}

#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
pub(super) fn offsets(from: u32) -> u32 {
    from
}

#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
pub(super) fn next_offsets(from: u32) -> u32 {
    from + 8
}

/// Writes `from` plus the place of each bit set in `byte`, lowest first, into the first of
/// `slots`, and says how many; the other slots are written too, with values of no meaning. Eight
/// at once, from a table: no offset waits for the one before.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub(super) fn set_bits(byte: u8, from: safe_arch::m128i, slots: &mut [u32; 8]) -> usize {
    use safe_arch::{add_i32_m128i, m128i};
    let [a, b, c, d, e, f, g, h] = SET_BITS.0[usize::from(byte)];
    let (low, high) = slots.split_at_mut(4);
    for (to, places) in [(low, [a, b, c, d]), (high, [e, f, g, h])] {
        to.copy_from_slice(&<[u32; 4]>::from(add_i32_m128i(m128i::from(places), from)));
    }
    usize::from(SET_BITS.1[usize::from(byte)])
}

#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
pub(super) fn set_bits(byte: u8, from: u32, slots: &mut [u32; 8]) -> usize {
    for (slot, place) in slots.iter_mut().zip(&SET_BITS.0[usize::from(byte)]) {
        *slot = from + place;
    }
    usize::from(SET_BITS.1[usize::from(byte)])
}

/// A block's quotes and carriage returns (`odd`, a bit for each, from `at`): a quote, or a return
/// not followed by a line break, is refused.
#[cold]
pub(super) fn stray_returns_or_quotes(
    text: &[u8],
    at: usize,
    mut odd: u64,
) -> Result<(), Unsupported> {
    while odd != 0 {
        let i = at + odd.trailing_zeros() as usize;
        if text[i] == b'"' || text.get(i + 1) != Some(&b'\n') {
            return Err(Unsupported);
        }
        odd &= odd - 1;
    }
    Ok(())
}

/// For 64 bytes: a bit for each comma, for each line break, and for each quote or carriage
/// return; sixteen bytes at a time. Quotes and returns are rare: whether the block has any is
/// asked once, and only then are they found.
#[cfg(target_arch = "x86_64")]
#[inline]
pub(super) fn separators(block: &[u8; 64]) -> (u64, u64, u64) {
    use safe_arch::{
        bitor_m128i, cmp_eq_mask_i8_m128i, load_unaligned_m128i, move_mask_i8_m128i,
        set_splat_i8_m128i, zeroed_m128i,
    };
    let byte = |b: u8| set_splat_i8_m128i(b as i8);
    let (comma, line, quote, ret) = (byte(b','), byte(b'\n'), byte(b'"'), byte(b'\r'));
    let (mut commas, mut breaks, mut odd) = (0u64, 0u64, zeroed_m128i());
    for (k, sixteen) in block.as_chunks::<16>().0.iter().enumerate() {
        let v = load_unaligned_m128i(sixteen);
        let bits = |mask| u64::from(move_mask_i8_m128i(mask) as u16) << (16 * k);
        commas |= bits(cmp_eq_mask_i8_m128i(v, comma));
        breaks |= bits(cmp_eq_mask_i8_m128i(v, line));
        odd = bitor_m128i(
            odd,
            bitor_m128i(cmp_eq_mask_i8_m128i(v, quote), cmp_eq_mask_i8_m128i(v, ret)),
        );
    }
    let odd = if move_mask_i8_m128i(odd) == 0 {
        0
    } else {
        quotes_and_returns(block)
    };
    (commas, breaks, odd)
}

/// A bit for each quote or carriage return of a block that has some.
#[cfg(target_arch = "x86_64")]
#[cold]
fn quotes_and_returns(block: &[u8; 64]) -> u64 {
    block.iter().enumerate().fold(0, |odd, (i, b)| {
        odd | (u64::from(matches!(b, b'"' | b'\r')) << i)
    })
}

#[cfg(not(target_arch = "x86_64"))]
pub(super) use separators_in_words as separators;

/// For 64 bytes: a bit for each comma, for each line break, and for each quote or carriage
/// return; eight bytes at a time, in a machine word.
#[cfg(any(test, not(target_arch = "x86_64")))]
pub(super) fn separators_in_words(block: &[u8; 64]) -> (u64, u64, u64) {
    /// A bit for each byte of `word` equal to `b`, gathered into the low eight bits.
    fn equal(word: u64, b: u8) -> u64 {
        const LOW: u64 = 0x7F7F_7F7F_7F7F_7F7F;
        let x = word ^ (u64::from(b) * 0x0101_0101_0101_0101);
        let zero = !(((x & LOW) + LOW) | x | LOW);
        ((zero >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56
    }
    let (mut commas, mut breaks, mut odd) = (0u64, 0u64, 0u64);
    for (k, eight) in block.as_chunks::<8>().0.iter().enumerate() {
        let word = u64::from_le_bytes(*eight);
        commas |= equal(word, b',') << (8 * k);
        breaks |= equal(word, b'\n') << (8 * k);
        odd |= (equal(word, b'"') | equal(word, b'\r')) << (8 * k);
    }
    (commas, breaks, odd)
}

/// Whether a byte may stand in a code: a letter, a digit or a hyphen.
const CODE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = (b as u8).is_ascii_alphanumeric() || b as u8 == b'-';
        b += 1;
    }
    table
};

/// A code: 1 to 32 letters, digits and hyphens.
#[inline]
pub(super) fn code(field: &[u8]) -> Result<&[u8], Unsupported> {
    let good = field
        .iter()
        .fold(true, |good, b| good & CODE[usize::from(*b)]);
    if !good || field.is_empty() || field.len() > 32 {
        return Err(Unsupported);
    }
    Ok(field)
}

/// The code in `text[start..end]` (1 to 32 letters, digits and hyphens) and, for one of up to 16
/// bytes, the code as one number (as [`pack`] makes it): checked sixteen bytes at a time where
/// sixteen bytes follow its start.
#[inline]
pub(super) fn code_at(
    text: &[u8],
    start: usize,
    end: usize,
) -> Result<(&[u8], Option<u128>), Unsupported> {
    let field = &text[start..end];
    let len = field.len();
    if (1..=16).contains(&len)
        && let Some(sixteen) = text.get(start..).and_then(<[u8]>::first_chunk::<16>)
    {
        let wanted = (1u32 << len) - 1;
        if u32::from(code_bytes(sixteen)) & wanted != wanted {
            return Err(Unsupported);
        }
        let packed = u128::from_le_bytes(*sixteen) & KEEP[len];
        return Ok((field, Some(packed)));
    }
    let field = code(field)?;
    Ok((field, (len <= 16).then(|| pack(text, start, len))))
}

/// Whether `text[start..end]` is a code, as [`code_at`] checks it, with no number made: a
/// column of codes only checked is read without a branch on each.
#[inline]
pub(super) fn is_code_at(text: &[u8], start: usize, end: usize) -> bool {
    let len = end.saturating_sub(start);
    match text.get(start..).and_then(<[u8]>::first_chunk::<16>) {
        Some(sixteen) if (1..=16).contains(&len) => {
            let wanted = (1u32 << len) - 1;
            u32::from(code_bytes(sixteen)) & wanted == wanted
        }
        _ => text
            .get(start..end)
            .is_some_and(|field| code(field).is_ok()),
    }
}

/// For each length up to 16, the bits of that many bytes from the lowest.
const KEEP: [u128; 17] = {
    let mut keep = [0u128; 17];
    let mut len = 1;
    while len <= 16 {
        keep[len] = u128::MAX >> (128 - 8 * len);
        len += 1;
    }
    keep
};

/// A bit for each of 16 bytes that may stand in a code: a letter, a digit or a hyphen.
#[cfg(target_arch = "x86_64")]
#[inline]
pub(super) fn code_bytes(sixteen: &[u8; 16]) -> u16 {
    use safe_arch::{
        bitand_m128i, bitor_m128i, cmp_eq_mask_i8_m128i, cmp_gt_mask_i8_m128i,
        load_unaligned_m128i, move_mask_i8_m128i, set_splat_i8_m128i,
    };
    let byte = |b: u8| set_splat_i8_m128i(b as i8);
    // Bytes from 0x80 compare as negative, below every range here.
    let within = |v, low: u8, high: u8| {
        bitand_m128i(
            cmp_gt_mask_i8_m128i(v, byte(low - 1)),
            cmp_gt_mask_i8_m128i(byte(high + 1), v),
        )
    };
    let v = load_unaligned_m128i(sixteen);
    let letter = within(bitor_m128i(v, byte(0x20)), b'a', b'z');
    let digit = within(v, b'0', b'9');
    let hyphen = cmp_eq_mask_i8_m128i(v, byte(b'-'));
    move_mask_i8_m128i(bitor_m128i(bitor_m128i(letter, digit), hyphen)) as u16
}

#[cfg(not(target_arch = "x86_64"))]
pub(super) use code_bytes_one_by_one as code_bytes;

/// A bit for each of 16 bytes that may stand in a code, a byte at a time.
#[cfg(any(test, not(target_arch = "x86_64")))]
pub(super) fn code_bytes_one_by_one(sixteen: &[u8; 16]) -> u16 {
    sixteen.iter().enumerate().fold(0, |bits, (i, b)| {
        bits | (u16::from(CODE[usize::from(*b)]) << i)
    })
}

/// A decimal number of 1 to 18 digits, and how many digits it has.
#[inline]
pub(super) fn number(field: &[u8]) -> Result<(u64, usize), Unsupported> {
    let (mut n, mut wrong) = (0u64, false);
    for b in field {
        let digit = b.wrapping_sub(b'0');
        wrong |= digit > 9;
        n = n.wrapping_mul(10).wrapping_add(u64::from(digit));
    }
    if wrong || field.is_empty() || field.len() > 18 {
        return Err(Unsupported);
    }
    Ok((n, field.len()))
}

/// The number of one to eight digits at `text[start..end]`, read as one word where eight bytes
/// follow its start; none for any other field, or where fewer bytes follow (read it as
/// [`number`] reads it), and the number of digits as [`number`] gives it.
#[inline]
pub(super) fn digits_in_word(text: &[u8], start: usize, end: usize) -> Option<(u64, usize)> {
    let len = end.checked_sub(start).filter(|len| (1..=8).contains(len))?;
    let word = u64::from_le_bytes(*text.get(start..)?.first_chunk::<8>()?);
    // Each byte less '0'; the field's bytes (the lowest `len`) must each be below ten. A byte
    // below '0' borrows from the byte above it, but is itself found out.
    let digits = word.wrapping_sub(0x3030_3030_3030_3030);
    let field = u64::MAX >> (8 * (8 - len));
    if (digits | digits.wrapping_add(0x7676_7676_7676_7676)) & 0x8080_8080_8080_8080 & field != 0 {
        return None;
    }
    // The digits moved to the top, zeros (leading) below; then pairs, fours and the eight added
    // up, each step one multiplication.
    let d = (digits & field) << (8 * (8 - len));
    let d = (d & 0x0F0F_0F0F_0F0F_0F0F).wrapping_mul(10 << 8 | 1) >> 8;
    let d = (d & 0x00FF_00FF_00FF_00FF).wrapping_mul(100 << 16 | 1) >> 16;
    let d = (d & 0x0000_FFFF_0000_FFFF).wrapping_mul(10_000 << 32 | 1) >> 32;
    Some((d, len))
}

/// A number of one to three digits, as most small fields are written (others: none).
#[inline]
pub(super) fn small(field: &[u8]) -> Option<u16> {
    let digit = |b: u8| Some(u16::from(b.wrapping_sub(b'0'))).filter(|d| *d <= 9);
    match *field {
        [a] => digit(a),
        [a, b] => Some(digit(a)? * 10 + digit(b)?),
        [a, b, c] => Some(digit(a)? * 100 + digit(b)? * 10 + digit(c)?),
        _ => None,
    }
}

/// `count` flags in `text[start..end]`, "0,1,0…" (each a 0 or 1, a comma between them), as bits
/// from the lowest: all at once where 32 bytes follow `start`, else eight bytes at a time.
#[inline]
pub(super) fn read_flags(
    text: &[u8],
    start: usize,
    end: usize,
    count: usize,
) -> Result<u16, Unsupported> {
    if end - start != 2 * count - 1 || count > 16 {
        return Err(Unsupported);
    }
    match text.get(start..).and_then(<[u8]>::first_chunk::<32>) {
        Some(bytes) => flags_in_32(bytes, end - start),
        None => flags_in_words(text, start, end),
    }
}

/// The flags in the first `len` (at most 31) of 32 bytes, sixteen bytes at a time.
#[cfg(target_arch = "x86_64")]
#[inline]
pub(super) fn flags_in_32(bytes: &[u8; 32], len: usize) -> Result<u16, Unsupported> {
    use safe_arch::{
        bitand_m128i, bitxor_m128i, cmp_eq_mask_i8_m128i, load_unaligned_m128i, move_mask_i8_m128i,
        shl_imm_u16_m128i, zeroed_m128i,
    };
    /// Zero flags, each followed by its comma; and the bits that must then be clear: all of a
    /// comma's, all but the lowest of a flag's.
    const ZEROS: [u8; 16] = *b"0,0,0,0,0,0,0,0,";
    const STRICT: [u8; 16] = [
        0xFE, 0xFF, 0xFE, 0xFF, 0xFE, 0xFF, 0xFE, 0xFF, 0xFE, 0xFF, 0xFE, 0xFF, 0xFE, 0xFF, 0xFE,
        0xFF,
    ];
    let (zeros, strict) = (load_unaligned_m128i(&ZEROS), load_unaligned_m128i(&STRICT));
    let (mut good, mut flags) = (0u32, 0u32);
    for (k, sixteen) in bytes.as_chunks::<16>().0.iter().enumerate() {
        let x = bitxor_m128i(load_unaligned_m128i(sixteen), zeros);
        let clear = cmp_eq_mask_i8_m128i(bitand_m128i(x, strict), zeroed_m128i());
        good |= (move_mask_i8_m128i(clear) as u32 & 0xFFFF) << (16 * k);
        // Each byte's lowest bit moved to its highest (within a 16-bit lane, bit 0 to 7 and 8 to
        // 15), where the mask gathers it.
        let low = shl_imm_u16_m128i::<7>(x);
        flags |= (move_mask_i8_m128i(low) as u32 & 0xFFFF) << (16 * k);
    }
    let within = (1u32 << len) - 1;
    if good & within != within {
        return Err(Unsupported);
    }
    Ok(even_bits(flags & within))
}

#[cfg(not(target_arch = "x86_64"))]
pub(super) fn flags_in_32(bytes: &[u8; 32], len: usize) -> Result<u16, Unsupported> {
    flags_in_words(bytes, 0, len)
}

/// Bits 0, 2, 4 … 30 of `x`, packed into the sixteen lowest.
#[cfg(target_arch = "x86_64")]
#[inline]
fn even_bits(x: u32) -> u16 {
    let mut x = x & 0x5555_5555;
    x = (x | (x >> 1)) & 0x3333_3333;
    x = (x | (x >> 2)) & 0x0F0F_0F0F;
    x = (x | (x >> 4)) & 0x00FF_00FF;
    x = (x | (x >> 8)) & 0x0000_FFFF;
    x as u16
}

/// The flags in `text[start..end]` (a valid length for them), eight bytes, four flags, at a time.
#[inline]
pub(super) fn flags_in_words(text: &[u8], start: usize, end: usize) -> Result<u16, Unsupported> {
    // Four zero flags, each followed by its comma.
    const ZEROS: u64 = u64::from_le_bytes(*b"0,0,0,0,");
    const FLAG: u64 = 0x0001_0001_0001_0001;
    let (mut mask, mut wrong) = (0u16, 0u64);
    for (k, at) in (start..end).step_by(8).enumerate() {
        // The eight bytes from `at`, those past the end zeroed.
        let keep = u64::MAX >> (64 - 8 * (end - at).min(8));
        let word = match text.get(at..).and_then(<[u8]>::first_chunk::<8>) {
            Some(word) => u64::from_le_bytes(*word) & keep,
            None => {
                let mut word = [0u8; 8];
                word[..end - at].copy_from_slice(&text[at..end]);
                u64::from_le_bytes(word)
            }
        };
        let x = word ^ (ZEROS & keep);
        wrong |= x & !FLAG;
        // The four flags' bits, at bits 0, 16, 32 and 48, gathered into the top four.
        mask |= (((x & FLAG).wrapping_mul(0x1000_2000_4000_8000) >> 60) as u16) << (4 * k);
    }
    if wrong != 0 {
        return Err(Unsupported);
    }
    Ok(mask)
}

/// Byte strings compared in line: most fields here are a few bytes long.
pub(super) fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}
