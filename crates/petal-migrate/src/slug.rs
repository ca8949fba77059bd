//! The file-name slug of a revision message.

/// The longest slug, in bytes (all ASCII), so file names stay readable.
pub const MAX_SLUG_LEN: usize = 50;

/// The message in lowercase ASCII: letters and digits kept, Cyrillic
/// transliterated and Latin accents stripped, anything else a single `_`,
/// none leading or trailing; at most [`MAX_SLUG_LEN`] bytes; `migration` when
/// nothing is left.
pub fn slug(message: &str) -> String {
    let mut out = String::new();
    let mut pending_separator = false;
    let mut buf = [0u8; 4];
    for ch in message.chars().flat_map(char::to_lowercase) {
        let ascii = if ch.is_ascii_lowercase() || ch.is_ascii_digit() {
            ch.encode_utf8(&mut buf)
        } else {
            match transliterate(ch) {
                Some(ascii) => ascii,
                None => {
                    pending_separator = true;
                    continue;
                }
            }
        };
        if ascii.is_empty() {
            continue;
        }
        if pending_separator && !out.is_empty() {
            out.push('_');
        }
        pending_separator = false;
        out.push_str(ascii);
    }
    if out.len() > MAX_SLUG_LEN {
        // Cut at a word boundary when there is one reasonably close.
        let cut = match out[..=MAX_SLUG_LEN].rfind('_') {
            Some(at) if at >= MAX_SLUG_LEN / 2 => at,
            _ => MAX_SLUG_LEN,
        };
        out.truncate(cut);
    }
    if out.is_empty() {
        return "migration".to_owned();
    }
    out
}

/// The ASCII spelling of a lowercase non-ASCII letter ("" for letters that
/// are silent, like the Russian hard and soft signs), or `None` for anything
/// else, which separates words.
fn transliterate(ch: char) -> Option<&'static str> {
    let ascii = match ch {
        // Russian, with Kazakh and Ukrainian letters (Cvety.kz is in Kazakhstan).
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'д' => "d",
        'е' | 'э' | 'є' => "e",
        'ё' => "yo",
        'ж' => "zh",
        'з' => "z",
        'и' | 'і' | 'ї' => "i",
        'й' => "y",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' | 'ұ' | 'ү' => "u",
        'ф' => "f",
        'х' | 'һ' => "h",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ъ' | 'ь' => "",
        'ы' => "y",
        'ю' => "yu",
        'я' => "ya",
        'ә' => "a",
        'ғ' | 'ґ' => "g",
        'қ' => "q",
        'ң' => "n",
        'ө' => "o",
        // Latin letters with diacritics, and a few ligatures.
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => "e",
        'ğ' | 'ģ' => "g",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => "i",
        'ķ' => "k",
        'ł' | 'ľ' | 'ļ' | 'ĺ' => "l",
        'ñ' | 'ń' | 'ň' | 'ņ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
        'œ' => "oe",
        'ř' | 'ŕ' => "r",
        'ś' | 'š' | 'ş' | 'ș' => "s",
        'ß' => "ss",
        'ť' | 'ţ' | 'ț' => "t",
        'þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' => "u",
        'ý' | 'ÿ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    };
    Some(ascii)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_ascii_words() {
        assert_eq!(slug("Move money to numeric"), "move_money_to_numeric");
        assert_eq!(slug("  add   orders.total (v2)!! "), "add_orders_total_v2");
    }

    #[test]
    fn transliterates_cyrillic_and_strips_accents() {
        assert_eq!(slug("Добавить статус заказа"), "dobavit_status_zakaza");
        assert_eq!(slug("Қазақ тілі"), "qazaq_tili");
        assert_eq!(slug("новый объект"), "novyy_obekt");
        assert_eq!(slug("Crème brûlée für Straße"), "creme_brulee_fur_strasse");
    }

    #[test]
    fn drops_what_it_cannot_spell_and_falls_back_to_migration() {
        assert_eq!(slug("花 flowers 🌸"), "flowers");
        assert_eq!(slug("花🌸 -- !"), "migration");
        assert_eq!(slug(""), "migration");
    }

    #[test]
    fn long_messages_are_cut_at_a_word_boundary() {
        let s = slug("add the delivery window and courier assignment tables for same day orders");
        assert_eq!(s, "add_the_delivery_window_and_courier_assignment");
        assert!(s.len() <= MAX_SLUG_LEN);
        let long_word = slug(&"x".repeat(80));
        assert_eq!(long_word.len(), MAX_SLUG_LEN);
    }
}
