//! One real wss:// exchange, pasted: the chunks wslab's client recorded, both layers, when it
//! connected to `wslab serve --tls`'s lab (`Lab::start_tls` with a fresh `LabCert`, client
//! key `dGhlIHNhbXBsZSBub25jZQ==` and mask 37 fa 21 3d pinned), sent "Hello", read the echo
//! and closed with 1000. Recorded once by a throwaway test that printed
//! `Recorder::read(|t| t.chunks())`; the key shares, randoms and the certificate make every
//! live run differ, so the bytes are kept here and the tests replay them with these times.

use wslab::capture::{Direction, Layer};

/// One chunk as the taps recorded it.
pub struct Chunk {
    pub layer: Layer,
    pub direction: Direction,
    pub at_us: u64,
    pub hex: &'static str,
}

const UP: Direction = Direction::ClientToServer;
const DOWN: Direction = Direction::ServerToClient;

/// The lab's address in that run, as the Host header names it.
pub const URL: &str = "wss://localhost:35637/echo";

/// Every chunk, in the order recorded.
pub const CHUNKS: &[Chunk] = &[
    Chunk {
        layer: Layer::Tls,
        direction: UP,
        at_us: 1180,
        hex: concat!(
            "16030100f6010000f20303662b76a00be001395207cb67568d4f61d9f55c6bbeb89ea9a8c09d35bfb41ccf20fbbb1618",
            "0c303350319c2e93ecf14e0ac44686cf9267bea4d1e27430524e87e00014130213011303c02cc02bcca9c030c02fcca8",
            "00ff01000095000500050100000000002300000000000e000c0000096c6f63616c686f7374002d000201010017000000",
            "2b00050403040303003300260024001d00203b8e0c68205ca437bd8353540606c64713a845651260a8e95e565a592c93",
            "23260010000b000908687474702f312e31000d00140012050304030807080608050804060105010401000a0008000600",
            "1d00170018000b00020100",
        ),
    },
    Chunk {
        layer: Layer::Tls,
        direction: DOWN,
        at_us: 2403,
        hex: concat!(
            "160303007a020000760303e3a80194e4fc7fd6a51c3732c6ffa2051a563f982f0242b5bf1a855d5b463acc20fbbb1618",
            "0c303350319c2e93ecf14e0ac44686cf9267bea4d1e27430524e87e0130200002e00330024001d0020fb1030055b7672",
            "a50cb27732eb92800a2f0983d0cbd4505f23490a8e7794581d002b00020304140303000101170303045a5f8936aaa524",
            "9c2c78c07e385b4b30510d0dd8145dc46a75c8949fbfe54734b57490527488f9330651dfacff24107204eb9f64232ca0",
            "ea91c5626c7ece99daa445e5bf14f935da2eb0335d7f22e00e7e07b8f0be6d0d59e650cea4c6e7e5f2e0122dc58b3ce5",
            "dded5fb2300cd373c55857422d6a4c56af2123339373fe74572bed2baba760a163502bfc6c1cab3a74380573f5927bde",
            "18725e322ce6d04c3d53766060da6bc0feba9c286afcdd9a3750852390694e1ffb8c315bc6f7fb71b22fc4cd81526be5",
            "7d871fd3a89f711a5a5751b57d3f591cedfa26d5848e327536e2b65d89f61ecc40312c3110218a8f2ea4f18a1cb4a12f",
            "ec77fa138c080d9220e7aa5aa00518c7330b6eca68eff55c7e23b89ab1ed07984d6e41fb0d80ba95e85a25190af8867e",
            "33d3ed397807d113bec8cb8897063a0107055799af49137d5d87e9c6867c4c511369f18ce08377c356e488adacd62a29",
            "655655af64692dfc3b9ea34e367b503398a3b1a4d2ad0b20e96be31f64e698f9a085fdd72985c1422c2fb74eb7fe2282",
            "04998b5e75f7ddc025a9ff6718cb5d6c8f99ad0456331fbc2c5aad151cf890836614b2a137e61d7a7e6d11ba9362b5ac",
            "a585c60bbc813f3240ba24f2c8f6b0416859c0fbf1b48b8bbc321f75c6e9b4adf4c9527a1848046a32cf18b638bcf472",
            "a38c7391ef9ea53349d94f209b9e53122bc9cb2776e0a3928fbaf80492c4410a851644050b168e913672ca6fc2a114ff",
            "25aed76b493bde5816f27acfd90bc7538d8c0aa7cd6ddec6feff8592b67d201be5d08d0c53fa1680afb8f94a9dee558e",
            "84b78ff2b721d229697c7f8ff8c2478e979e9b4132e1784f4e2832db20af5821983f38774dce33b6bcd95b7ae71a7839",
            "43bffedda6f2195985d73432437e8f845f7e6a2dac2ba92eb77bcef233b572d1e45064157e9f81461b466ae865bae95d",
            "dc5affbf33d9814a516e8d6b8625b6139edbccb2d2730169728d4d169af72a426f30fb8ed38bf9807c1c1f02144acfbb",
            "d1c1cfbb0b410b8be098e6d4fb1cdea88e02fe409cb741508e7d50cfa5947a11584d72e433fdc70df67c70b8934b2af3",
            "fbb5546dd7e7a436515de339122e0d0c866632d7523b11ee91d683d0ab00e24ee052937248d41c1d9dac789c13933b64",
            "b4338232df8a05fce17818a4f0f56f57922eff6265cf593368de428d2346ec1da48d1156ad2603a2716322bc376263bc",
            "e86f0525635410c1817323700e8028d4e58327d8fe46c7af4e6671a5416885adad80f89e2ab1674972fa5819f21b6e89",
            "1e1d69a7f286d1259c130bab0e7df4b4ba0733afa33c2891c6f12ad063d8ccd524e42391d384e553ee230a3f191aeaf1",
            "2e7a5b580f286f3a391a8085946e3fb9c6065b2d161869078e6d97d6b59530730e5362edf447812c5d8aee878414db7c",
            "9ba59984d3073eec47dff91f495135fa7d265892b960cbc580c11baaac298e3a522d9dbaef1b62f158d35afb41400693",
            "bae3604c55b5824b82eed6d787f6daf808ec472981aed7a20f6c043d5615f0ed8e53ac0b8c9590db459ea34583096abe",
            "5741d964",
        ),
    },
    Chunk {
        layer: Layer::Tls,
        direction: UP,
        at_us: 3282,
        hex: "140303000101",
    },
    Chunk {
        layer: Layer::Tls,
        direction: UP,
        at_us: 3302,
        hex: concat!(
            "170303004592dd8d58f6cf7a5a2d81dc6e8a91b4502c172bbb8e42613e8e92aefd57e1eaa168dbdcacce3962ce33996d",
            "13ac128b2501314d061b43fb5a6a74c0dd3e361b3799076f1975",
        ),
    },
    Chunk {
        layer: Layer::Tls,
        direction: UP,
        at_us: 3644,
        hex: concat!(
            "17030300af752816a33161fc1a0d5eee001e5cc278052207fe7f9a2cefdba06c36f6089cb4af0b3f432f96c9db5f684e",
            "16c1039c893005f5e21b875336f53da9b61353a16ac8b75eaf7f8ac0b9090b7169cffced7f55c0b29e6902317216e7da",
            "ff735d2fece939d75c690b756e0152ee848d9080d6dd600f105430f840a7c0619452f50b2f056e2abe1434cb1b3e921c",
            "a163735c2369122c1f2e422f83137a7f5a620168483b1bfff9c1d46cb77bffc2e4162f0e",
        ),
    },
    Chunk {
        layer: Layer::App,
        direction: UP,
        at_us: 3653,
        hex: concat!(
            "474554202f6563686f20485454502f312e310d0a486f73743a206c6f63616c686f73743a33353633370d0a436f6e6e65",
            "6374696f6e3a20557067726164650d0a557067726164653a20776562736f636b65740d0a5365632d576562536f636b65",
            "742d56657273696f6e3a2031330d0a5365632d576562536f636b65742d4b65793a206447686c49484e68625842735a53",
            "42756232356a5a513d3d0d0a0d0a",
        ),
    },
    Chunk {
        layer: Layer::Tls,
        direction: DOWN,
        at_us: 4527,
        hex: concat!(
            "17030300b3f4c5d1de9a557168a1b57419fff8bffc00154701742102a6d914cd81bc1b8c6d73b4df11173a782cc692e8",
            "3338415dbaef5add116111580488d008076a05169debf9d56463965e5469f111ec16d53935d263d1f145baca7399a31a",
            "9781915002a8acd81ef8f42988aa167df27e888318125b467ca89c73879fd7716ac213474775eb2113285f303ec48d1a",
            "c13529c6cdd52c1c9ea7b9d9bcea9e282a29f28b946563d0a500f2e0a341af93198c0400a6885fd91703030092cd0548",
            "5b3d4606a3b2b10280ec8ca93eb3f814e1f36f1901996f2edc6662b8172d4608ccfe67066b835c0e1de810b96d9ee747",
            "3d2092e6f1c424988f66c57ab84475a1a2e4c65061adefbbbe7eaa7656fadde27ad9316133cc5419d7232cdc1ceae00e",
            "d2678067e3f770c287407110898c8de3ce9997ec5401b6214a8a4ceb4c49388444b106725515f10ac1d7ac0717c658",
        ),
    },
    Chunk {
        layer: Layer::App,
        direction: DOWN,
        at_us: 4655,
        hex: concat!(
            "485454502f312e312031303120537769746368696e672050726f746f636f6c730d0a636f6e6e656374696f6e3a205570",
            "67726164650d0a757067726164653a20776562736f636b65740d0a7365632d776562736f636b65742d6163636570743a",
            "20733370504c4d426954786151396b59477a7a685a52624b2b784f6f3d0d0a0d0a",
        ),
    },
    Chunk {
        layer: Layer::Tls,
        direction: UP,
        at_us: 4766,
        hex: "170303001c27b09f3381027ddcd5de40b16afea8de8443bc37cc519dbd0d4079a9",
    },
    Chunk {
        layer: Layer::App,
        direction: UP,
        at_us: 4775,
        hex: "818537fa213d7f9f4d5158",
    },
    Chunk {
        layer: Layer::Tls,
        direction: DOWN,
        at_us: 9343,
        hex: "170303001896ffbb94a6f1f5f1970c19b9c1809e825d4516fe10514a61",
    },
    Chunk {
        layer: Layer::App,
        direction: DOWN,
        at_us: 9498,
        hex: "810548656c6c6f",
    },
    Chunk {
        layer: Layer::Tls,
        direction: UP,
        at_us: 9690,
        hex: "170303001981d490234829094f8dbfd53673a3e5cd40444be86deb664f91",
    },
    Chunk {
        layer: Layer::App,
        direction: UP,
        at_us: 9698,
        hex: "8882932fcc8f90c7",
    },
    Chunk {
        layer: Layer::Tls,
        direction: DOWN,
        at_us: 10_115,
        hex: concat!(
            "1703030015498ce454c9d885bfff1af4ce06fbd8876d286f8aec1703030013ee16ad744c1673c0a0e85c6cac3b86229e",
            "bd07",
        ),
    },
    Chunk {
        layer: Layer::App,
        direction: DOWN,
        at_us: 10_144,
        hex: "880203e8",
    },
    Chunk {
        layer: Layer::Tls,
        direction: UP,
        at_us: 10_212,
        hex: "1703030013a3f8cf1d41cc2df9aa5a1ecf224475c1c91311",
    },
];
