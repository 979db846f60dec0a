//! A plugin call's encoded input through the shared codec's decoder (what every Rust plugin
//! runs on the host's bytes), on any bytes: refused or decoded, never a panic. What decodes
//! must survive a round trip: encoding it and decoding again gives the same bytes.
#![no_main]

use digifarm_plugin_codec as codec;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    // The first byte says where `data` ends and `strings` begins; `strings` is a WIT string,
    // so it is UTF-8 by the time a plugin sees it.
    let Some((&split, rest)) = bytes.split_first() else {
        return;
    };
    let at = usize::from(split).min(rest.len());
    let (tail, head) = rest.split_at(rest.len() - at);
    let strings = String::from_utf8_lossy(head);
    let mut data = codec::MAGIC.to_vec();
    data.extend_from_slice(tail);

    if let Ok(catalog) = codec::decode_catalog(&data, &strings) {
        let once = codec::encode_catalog(&catalog);
        let again =
            codec::decode_catalog(&once.data, &once.strings).map(|c| codec::encode_catalog(&c));
        assert_eq!(again.as_ref(), Ok(&once));
    }
    if let Ok(projects) = codec::decode_projects(&data, &strings) {
        let once = codec::encode_projects(&projects);
        let again =
            codec::decode_projects(&once.data, &once.strings).map(|p| codec::encode_projects(&p));
        assert_eq!(again.as_ref(), Ok(&once));
    }
    if let Ok(batch) = codec::decode_scorer_batch(&data, &strings) {
        let once = codec::encode_scorer_batch(&batch);
        let again = codec::decode_scorer_batch(&once.data, &once.strings)
            .map(|b| codec::encode_scorer_batch(&b));
        assert_eq!(again.as_ref(), Ok(&once));
        let _ = batch.resolve();
    }
});
