//! A small typst `World`: the templates compiled in, the fonts compiled in, one data file
//! (`/data.json`), no packages, no file system, no clock (today is the document's date).

use std::collections::HashMap;
use std::sync::LazyLock;

use jiff::civil::Date;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

static IPAEX_MINCHO: &[u8] = include_bytes!("../fonts/ipaexm.ttf");
static IPAEX_GOTHIC: &[u8] = include_bytes!("../fonts/ipaexg.ttf");
static CHECKBOX: &[u8] = include_bytes!("../fonts/roei-checkbox.ttf");

/// The templates, by their path in the virtual project.
const TEMPLATES: &[(&str, &str)] = &[
    ("/common.typ", include_str!("../templates/common.typ")),
    ("/report.typ", include_str!("../templates/report.typ")),
    ("/letter.typ", include_str!("../templates/letter.typ")),
];

struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

static FONTS: LazyLock<Fonts> = LazyLock::new(|| {
    let fonts: Vec<Font> = [IPAEX_MINCHO, IPAEX_GOTHIC, CHECKBOX]
        .into_iter()
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect();
    Fonts {
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
    }
});

static LIBRARY: LazyLock<LazyHash<Library>> =
    LazyLock::new(|| LazyHash::new(Library::builder().build()));

/// The loaded fonts (IPAex明朝, IPAexゴシック, the check boxes).
pub fn fonts() -> &'static [Font] {
    &FONTS.fonts
}

/// Whether some loaded font has a glyph for `c`.
pub fn covered(c: char) -> bool {
    fonts()
        .iter()
        .any(|f| f.info().coverage.contains(u32::from(c)))
}

fn id(path: &str) -> FileId {
    RootedPath::new(
        VirtualRoot::Project,
        VirtualPath::new(path).expect("template paths are valid"),
    )
    .intern()
}

pub struct DocWorld {
    main: FileId,
    sources: HashMap<FileId, Source>,
    data: (FileId, Bytes),
    today: Date,
}

impl DocWorld {
    /// A world whose main file is `template` (e.g. `/report.typ`), reading `data` as
    /// `/data.json`.
    pub fn new(template: &str, data: Vec<u8>, today: Date) -> Self {
        let sources = TEMPLATES
            .iter()
            .map(|(path, text)| {
                let id = id(path);
                (id, Source::new(id, (*text).to_owned()))
            })
            .collect();
        Self {
            main: id(template),
            sources,
            data: (id("/data.json"), Bytes::new(data)),
            today,
        }
    }
}

impl World for DocWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }
    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.book
    }
    fn main(&self) -> FileId {
        self.main
    }
    fn source(&self, id: FileId) -> FileResult<Source> {
        self.sources
            .get(&id)
            .cloned()
            .ok_or_else(|| FileError::NotFound(id.vpath().get_without_slash().into()))
    }
    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data.0 {
            return Ok(self.data.1.clone());
        }
        self.sources
            .get(&id)
            .map(|s| Bytes::from_string(s.clone()))
            .ok_or_else(|| FileError::NotFound(id.vpath().get_without_slash().into()))
    }
    fn font(&self, index: usize) -> Option<Font> {
        FONTS.fonts.get(index).cloned()
    }
    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        Datetime::from_ymd(
            i32::from(self.today.year()),
            u8::try_from(self.today.month()).ok()?,
            u8::try_from(self.today.day()).ok()?,
        )
    }
}
