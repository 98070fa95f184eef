//! Snapshots of the text explanation for typical cases: any wording change is reviewed.

use roei_law::{Facts, Lang, assess, text::explain};

fn render(json: &str, lang: Lang) -> String {
    let facts = Facts::from_json(json).expect("valid facts");
    explain(&assess(&facts), &facts, lang)
}

macro_rules! case {
    ($name:ident, $json:expr) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(concat!(stringify!($name), "_ja"), render($json, Lang::Ja));
            insta::assert_snapshot!(concat!(stringify!($name), "_en"), render($json, Lang::En));
        }
    };
}

case!(
    ransomware_with_exfiltration_year_end,
    r#"{"known_on":"2026-11-30","occurred_on":"2026-11-27","events":["leak","damage"],"suspected":true,"data_items":["name","address","medical_history"],"cause":"ransomware","persons":12000}"#
);
case!(
    missent_email_ten_persons,
    r#"{"known_on":"2026-11-20","events":["leak"],"data_items":["name","email"],"cause":"missent_email","persons":10}"#
);
case!(
    card_skimming_entrustee_not_yet_notified,
    r#"{"known_on":"2026-09-18","events":["leak"],"data_items":["name","card_number","card_expiry","card_security_code"],"cause":"web_skimming","persons":300,"entrustee":true}"#
);
case!(
    entrustee_notified_entruster,
    r#"{"known_on":"2026-09-18","events":["leak"],"data_items":["name","card_number"],"cause":"web_skimming","persons":300,"entrustee":true,"entruster_notified":true}"#
);
case!(
    national_body_lost_list_notice_difficult,
    r#"{"regime":"national_public","known_on":"2026-04-28","events":["loss"],"data_items":["name","address"],"cause":"loss","persons":101,"notice_difficult":true}"#
);
case!(
    encrypted_laptop_stolen,
    r#"{"known_on":"2026-06-01","events":["leak"],"data_items":["name","health_checkup"],"cause":"theft","persons":40,"advanced_encryption":true}"#
);
case!(
    voluntary_era_2021,
    r#"{"known_on":"2021-10-01","events":["leak"],"data_items":["name","card_number"],"cause":"unauthorized_access","persons":5000}"#
);
case!(
    recovered_before_viewed,
    r#"{"known_on":"2026-07-07","events":["leak"],"data_items":["name","medical_care"],"cause":"misdelivery","persons":1,"recovered_before_viewed":true}"#
);
