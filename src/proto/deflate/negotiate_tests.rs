use super::*;

fn bits(n: u8) -> WindowBits {
    WindowBits::new(n).expect("8 to 15")
}

#[test]
fn rfc_7692_7_1_3_the_simplest_offer_is_answered_the_same() {
    let choice = choose(["permessage-deflate"]);
    let (at, answer) = choice.accepted.expect("accepted");
    assert_eq!(at, 0);
    assert_eq!(answer.header_value(), "permessage-deflate");
    assert_eq!(
        choice.agreed(),
        Some(Agreed {
            server_no_context_takeover: false,
            client_no_context_takeover: false,
            server_max_window_bits: WindowBits::MAX,
            client_max_window_bits: WindowBits::MAX,
        })
    );
}

#[test]
fn rfc_7692_7_1_3_a_server_window_of_1024_bytes() {
    // "asks the server to use an LZ77 sliding window with a size of 1,024 bytes or less and
    // declares that the client supports the client_max_window_bits extension parameter".
    let offer = "permessage-deflate; client_max_window_bits; server_max_window_bits=10";
    let choice = choose([offer]);
    let (_, answer) = choice.accepted.expect("accepted");
    assert_eq!(answer.server_max_window_bits, Some(bits(10)));
    assert_eq!(
        answer.header_value(),
        "permessage-deflate; server_max_window_bits=10"
    );
    let agreed = choice.agreed().expect("agreed");
    assert_eq!(agreed.server_max_window_bits, bits(10));
    assert_eq!(agreed.client_max_window_bits, WindowBits::MAX);
}

#[test]
fn rfc_7692_7_1_3_offers_in_order_with_a_fallback() {
    let value = "permessage-deflate; client_max_window_bits; server_max_window_bits=10, \
                 permessage-deflate; client_max_window_bits";
    let read = offers([value]);
    assert_eq!(read.len(), 2);
    assert_eq!(
        read[1],
        Ok(Params {
            client_max_window_bits: Some(None),
            ..Params::default()
        })
    );
    // The lab takes the first; a client that sent both accepts either answer.
    assert_eq!(choose([value]).accepted.map(|(at, _)| at), Some(0));
    let offered: Vec<Params> = read.into_iter().map(Result::unwrap).collect();
    for answer in [
        "permessage-deflate; server_max_window_bits=10",
        "permessage-deflate",
    ] {
        assert!(
            check_answer(&offered, [answer]).expect("fits").is_some(),
            "{answer}"
        );
    }
}

#[test]
fn rfc_7692_7_1_2_the_client_window_answered_to_an_offer_that_allows_it() {
    let offered = offers(["permessage-deflate; client_max_window_bits"])
        .into_iter()
        .map(Result::unwrap)
        .collect::<Vec<_>>();
    let agreed = check_answer(&offered, ["permessage-deflate; client_max_window_bits=10"])
        .expect("fits")
        .expect("agreed");
    assert_eq!(agreed.client_max_window_bits, bits(10));
    // Without the offer's parameter, the same answer breaks §7.1.2.2.
    let plain = [Params::default()];
    let refused = check_answer(&plain, ["permessage-deflate; client_max_window_bits=10"]);
    assert_eq!(refused, Err(NegotiationError::ClientWindowNotOffered));
    assert_eq!(refused.unwrap_err().section(), "7.1.2.2");
}

#[test]
fn all_four_parameters_are_read_in_any_case_and_with_quotes() {
    let read = offers([
        "Permessage-Deflate; SERVER_NO_CONTEXT_TAKEOVER; client_no_context_takeover; \
         server_max_window_bits=\"9\"; client_max_window_bits=12",
    ]);
    assert_eq!(
        read,
        [Ok(Params {
            server_no_context_takeover: true,
            client_no_context_takeover: true,
            server_max_window_bits: Some(bits(9)),
            client_max_window_bits: Some(Some(bits(12))),
        })]
    );
    let (_, answer) = choose(["permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9; client_max_window_bits=12"])
        .accepted
        .expect("accepted");
    assert_eq!(
        answer.header_value(),
        "permessage-deflate; server_no_context_takeover; client_no_context_takeover; \
         server_max_window_bits=9; client_max_window_bits=12"
    );
}

#[test]
fn invalid_offers_are_declined_each_for_its_rule() {
    let cases: [(&str, NegotiationError); 8] = [
        (
            "permessage-deflate; foo",
            NegotiationError::UnknownParameter { name: "foo".into() },
        ),
        (
            "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
            NegotiationError::DuplicateParameter { name: SERVER_NCT },
        ),
        (
            "permessage-deflate; client_max_window_bits; client_max_window_bits=10",
            NegotiationError::DuplicateParameter { name: CLIENT_BITS },
        ),
        (
            "permessage-deflate; client_no_context_takeover=1",
            NegotiationError::ValueOnValueless { name: CLIENT_NCT },
        ),
        (
            "permessage-deflate; server_max_window_bits",
            NegotiationError::MissingValue { name: SERVER_BITS },
        ),
        (
            "permessage-deflate; server_max_window_bits=7",
            NegotiationError::BadWindowBits {
                name: SERVER_BITS,
                value: "7".into(),
            },
        ),
        (
            "permessage-deflate; client_max_window_bits=16",
            NegotiationError::BadWindowBits {
                name: CLIENT_BITS,
                value: "16".into(),
            },
        ),
        (
            "permessage-deflate; server_max_window_bits=010",
            NegotiationError::BadWindowBits {
                name: SERVER_BITS,
                value: "010".into(),
            },
        ),
    ];
    for (offer, why) in cases {
        let choice = choose([offer]);
        assert_eq!(choice.accepted, None, "{offer}");
        assert_eq!(choice.declined, [(0, why)], "{offer}");
    }
}

#[test]
fn an_invalid_offer_falls_through_to_the_next() {
    let choice = choose([
        "x-webkit-deflate-frame, permessage-deflate; server_max_window_bits=99",
        "permessage-deflate; client_no_context_takeover",
    ]);
    assert_eq!(choice.declined.len(), 1);
    let (at, answer) = choice.accepted.expect("the second is accepted");
    assert_eq!(at, 1);
    assert_eq!(
        answer.header_value(),
        "permessage-deflate; client_no_context_takeover"
    );
}

#[test]
fn no_offer_no_answer() {
    assert_eq!(choose(["x-webkit-deflate-frame"]).accepted, None);
    assert_eq!(choose(std::iter::empty()).accepted, None);
}

#[test]
fn a_server_answer_is_judged_against_the_offer() {
    let asked = [Params {
        server_no_context_takeover: true,
        server_max_window_bits: Some(bits(10)),
        ..Params::default()
    }];
    let check = |answer: &str| check_answer(&asked, [answer]);
    assert!(
        check("permessage-deflate; server_no_context_takeover; server_max_window_bits=9").is_ok()
    );
    assert_eq!(
        check("permessage-deflate; server_no_context_takeover; server_max_window_bits=12"),
        Err(NegotiationError::ServerWindowAboveOffer {
            offered: 10,
            answered: 12
        })
    );
    assert_eq!(
        check("permessage-deflate; server_max_window_bits=10"),
        Err(NegotiationError::ServerTakeoverNotAccepted)
    );
    assert_eq!(
        check("permessage-deflate; server_no_context_takeover, permessage-deflate"),
        Err(NegotiationError::AcceptedTwice)
    );
    assert_eq!(
        check("permessage-deflate; server_no_context_takeover; client_max_window_bits"),
        Err(NegotiationError::MissingValue { name: CLIENT_BITS })
    );
    assert_eq!(
        check_answer(&[], ["permessage-deflate"]),
        Err(NegotiationError::NotOffered)
    );
    assert_eq!(check("x-other"), Ok(None));
    // A server may add client_no_context_takeover unasked (§7.1.1.2).
    let added = check("permessage-deflate; server_no_context_takeover; client_no_context_takeover")
        .expect("fits")
        .expect("agreed");
    assert!(added.client_no_context_takeover);
}

#[test]
fn every_error_reads_as_a_sentence_with_its_section() {
    let why = NegotiationError::BadWindowBits {
        name: SERVER_BITS,
        value: "7".into(),
    };
    assert_eq!(
        why.to_string(),
        "server_max_window_bits=\"7\" is not a window size: it must be a whole number from 8 to 15, without a leading zero (RFC 7692 §7.1.2)"
    );
}
