//! The seal's visible face: a red round official seal (公章) as PDF vector paths.
//!
//! The drawing follows the common rule for a 42 mm seal: a 1.2 mm ring, a
//! five-pointed star 14 mm from tip to tip in the centre, the organisation's
//! name along the upper arc, read clockwise from lower left to lower right with
//! each character upright towards the rim, and the seal's purpose (公报专用章)
//! set level below the star. Everything is scaled from the diameter.
//!
//! Characters are filled glyph outlines copied from the given font, so the
//! content stream needs no font resource, text operators or images: it looks
//! the same in every viewer and embeds nothing that needs subsetting. Numbers
//! are written with two decimals at most, so the same design always yields the
//! same bytes.

use std::fmt;
use std::fmt::Write as _;

use ttf_parser::{Face, OutlineBuilder};

use crate::model::SealText;

/// What the seal says and how large it is.
#[derive(Clone, Copy, Debug)]
pub struct SealDesign<'a> {
    /// Set along the upper arc, e.g. 上海市人民政府办公厅.
    pub organisation: &'a str,
    /// Set level below the star, e.g. 公报专用章; may be empty.
    pub purpose: &'a str,
    /// In PDF points; a 42 mm seal is 119.06 pt.
    pub diameter: f32,
}

impl<'a> SealDesign<'a> {
    /// The seal that says `text`, at its standard size.
    pub fn new(text: &'a SealText) -> Self {
        SealDesign {
            organisation: &text.organisation,
            purpose: &text.purpose,
            diameter: (super::DIAMETER_MM / 25.4 * 72.0) as f32,
        }
    }
}

/// A Form XObject's content: paths filled in seal red, inside `bbox`.
#[derive(Clone, Debug, PartialEq)]
pub struct Appearance {
    /// PDF content-stream operators (`q Q rg m l c h f`) only.
    pub content: Vec<u8>,
    /// `[0 0 d d]`, d being the diameter.
    pub bbox: [f32; 4],
}

/// Why a seal could not be drawn.
#[derive(Clone, Debug, PartialEq)]
pub enum AppearanceError {
    /// The organisation name is empty or has no visible character.
    EmptyOrganisation,
    /// The diameter is not a usable size in points.
    BadDiameter(f32),
    /// The font bytes are not an OpenType/TrueType font.
    UnreadableFont(String),
    /// The font has no glyph for a character of the given text.
    MissingGlyph { character: char, text: &'static str },
}

impl fmt::Display for AppearanceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::EmptyOrganisation => f.write_str(
                "the seal's organisation name is empty: give the name to set along the seal's rim",
            ),
            Self::BadDiameter(d) => write!(
                f,
                "a seal diameter of {d} pt cannot be drawn: give between {MIN_DIAMETER} and \
                 {MAX_DIAMETER} pt (a 42 mm seal is 119.06 pt)"
            ),
            Self::UnreadableFont(why) => write!(
                f,
                "the seal font cannot be read ({why}): give an OpenType or TrueType font file"
            ),
            Self::MissingGlyph { character, text } => write!(
                f,
                "the seal font has no glyph for {character:?} (U+{:04X}) in the {text}: \
                 choose a font that covers it or change the {text}",
                u32::from(*character)
            ),
        }
    }
}

impl std::error::Error for AppearanceError {}

const MIN_DIAMETER: f32 = 18.0;
const MAX_DIAMETER: f32 = 1000.0;

/// Seal red, as ink on paper rather than screen red.
const SEAL_RED: &str = "0.85 0.1 0.1";

// Proportions in units of the seal's radius, from the 42 mm rule (radius 21 mm).
const RING_WIDTH: f32 = 1.2 / 21.0;
const STAR_RADIUS: f32 = 7.0 / 21.0;
/// Inner vertices of a regular pentagram: cos 72° / cos 36° of the tips.
const STAR_INNER_RATIO: f32 = 0.381_966;
/// Clear space between the ring and the tops of the name's characters.
const NAME_GAP: f32 = 0.9 / 21.0;
/// Name character heights for short and long names; between, they shrink evenly.
const NAME_HEIGHT_SHORT: f32 = 7.0 / 21.0;
const NAME_HEIGHT_LONG: f32 = 4.8 / 21.0;
const NAME_SHORT_CHARS: f32 = 8.0;
const NAME_LONG_CHARS: f32 = 20.0;
/// The arc the name spans, degrees, widening with the name's length.
const NAME_SPAN_SHORT: f32 = 220.0;
const NAME_SPAN_LONG: f32 = 240.0;
/// No wider spacing than this per character, so short names stay together.
const NAME_MAX_PITCH: f32 = 40.0;
/// Share of each character's slot its ink may fill; the rest is spacing.
const NAME_FILL: f32 = 0.9;
const PURPOSE_HEIGHT: f32 = 4.6 / 21.0;
/// Vertical centre of the purpose line, below the star's lower tips.
const PURPOSE_CENTRE_Y: f32 = -10.5 / 21.0;
const PURPOSE_MAX_WIDTH: f32 = 20.0 / 21.0;
/// Extra space between purpose characters, in ems.
const PURPOSE_TRACKING: f32 = 0.1;
/// Narrowest horizontal scale characters may get before text shrinks instead.
const MIN_CONDENSE: f32 = 0.6;

/// Draws the seal as the content of a Form XObject with BBox `[0 0 d d]`.
pub fn draw(design: &SealDesign, font: &[u8]) -> Result<Appearance, AppearanceError> {
    let d = design.diameter;
    if !(MIN_DIAMETER..=MAX_DIAMETER).contains(&d) {
        return Err(AppearanceError::BadDiameter(d));
    }
    let face = Face::parse(font, 0).map_err(|e| AppearanceError::UnreadableFont(e.to_string()))?;
    let name = Text::shape(&face, design.organisation, "organisation name")?;
    let purpose = Text::shape(&face, design.purpose, "purpose")?;
    if name.ink.is_none() {
        return Err(AppearanceError::EmptyOrganisation);
    }

    let mut stream = ContentStream::new(d / 2.0);
    stream.fill(&ring());
    stream.fill(&star());
    for glyph in arc_text(&name).iter().chain(&level_text(&purpose)) {
        stream.fill(glyph);
    }
    Ok(Appearance {
        content: stream.finish(),
        bbox: [0.0, 0.0, d, d],
    })
}

/// A point in seal space: origin at the centre, unit the radius, y up.
/// Glyph outlines use the same type in ems before they are placed.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Point {
    x: f32,
    y: f32,
}

impl Point {
    fn new(x: f32, y: f32) -> Self {
        Self { x, y }
    }

    fn polar(radius: f32, degrees: f32) -> Self {
        let (sin, cos) = degrees.to_radians().sin_cos();
        Self::new(radius * cos, radius * sin)
    }

    fn scaled(self, k: f32) -> Self {
        Self::new(self.x * k, self.y * k)
    }

    fn plus(self, other: Self) -> Self {
        Self::new(self.x + other.x, self.y + other.y)
    }

    /// The point `t` of the way from `self` to `other`.
    fn towards(self, other: Self, t: f32) -> Self {
        self.plus(Self::new(other.x - self.x, other.y - self.y).scaled(t))
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Segment {
    MoveTo(Point),
    LineTo(Point),
    CurveTo(Point, Point, Point),
    Close,
}

impl Segment {
    fn map(self, f: impl Fn(Point) -> Point) -> Self {
        match self {
            Self::MoveTo(p) => Self::MoveTo(f(p)),
            Self::LineTo(p) => Self::LineTo(f(p)),
            Self::CurveTo(a, b, c) => Self::CurveTo(f(a), f(b), f(c)),
            Self::Close => Self::Close,
        }
    }
}

/// One closed shape, filled with the nonzero rule.
type Path = Vec<Segment>;

/// A box holding every point of an outline, control points included: a Bézier
/// curve lies within its control points, so the box holds the ink too.
#[derive(Clone, Copy, Debug)]
struct Extent {
    min: Point,
    max: Point,
}

impl Extent {
    fn of(path: &[Segment]) -> Option<Self> {
        let mut points = path.iter().flat_map(all_points);
        let first = points.next()?;
        Some(points.fold(
            Self {
                min: first,
                max: first,
            },
            |e, p| e.including(p),
        ))
    }

    fn including(self, p: Point) -> Self {
        Self {
            min: Point::new(self.min.x.min(p.x), self.min.y.min(p.y)),
            max: Point::new(self.max.x.max(p.x), self.max.y.max(p.y)),
        }
    }

    fn union(self, other: Self) -> Self {
        self.including(other.min).including(other.max)
    }

    fn height(&self) -> f32 {
        self.max.y - self.min.y
    }
}

fn all_points(segment: &Segment) -> Vec<Point> {
    match *segment {
        Segment::MoveTo(p) | Segment::LineTo(p) => vec![p],
        Segment::CurveTo(a, b, c) => vec![a, b, c],
        Segment::Close => vec![],
    }
}

/// One character's outline in ems, with the advance it occupies.
struct Glyph {
    outline: Path,
    advance: f32,
    ink: Option<Extent>,
}

impl Glyph {
    /// How far the ink reaches either side of the advance's centre, in ems.
    fn half_width(&self) -> f32 {
        self.ink.map_or(0.0, |ink| {
            let centre = self.advance / 2.0;
            (centre - ink.min.x).max(ink.max.x - centre)
        })
    }
}

/// A string turned into glyph outlines, one per character.
struct Text {
    glyphs: Vec<Glyph>,
    /// All the glyphs' ink, each at its own origin; `None` if nothing is visible.
    ink: Option<Extent>,
}

impl Text {
    fn shape(face: &Face, text: &str, role: &'static str) -> Result<Self, AppearanceError> {
        let glyphs = text
            .chars()
            .map(|c| outline(face, c, role))
            .collect::<Result<Vec<_>, _>>()?;
        let ink = glyphs.iter().filter_map(|g| g.ink).reduce(Extent::union);
        Ok(Self { glyphs, ink })
    }

    fn half_width(&self) -> f32 {
        self.glyphs
            .iter()
            .map(Glyph::half_width)
            .fold(0.0, f32::max)
    }
}

fn outline(face: &Face, c: char, role: &'static str) -> Result<Glyph, AppearanceError> {
    let missing = AppearanceError::MissingGlyph {
        character: c,
        text: role,
    };
    let id = face.glyph_index(c).ok_or(missing)?;
    let em = f32::from(face.units_per_em());
    let mut collector = OutlineCollector {
        path: Vec::new(),
        current: Point::new(0.0, 0.0),
        em,
    };
    // A glyph without an outline, such as a space, still takes its advance.
    face.outline_glyph(id, &mut collector);
    let advance = f32::from(face.glyph_hor_advance(id).unwrap_or(0)) / em;
    let ink = Extent::of(&collector.path);
    Ok(Glyph {
        outline: collector.path,
        advance,
        ink,
    })
}

/// Receives a glyph outline in font units and keeps it in ems, as lines and
/// cubic curves only, since PDF paths have no quadratic curves.
struct OutlineCollector {
    path: Path,
    current: Point,
    em: f32,
}

impl OutlineCollector {
    fn point(&self, x: f32, y: f32) -> Point {
        Point::new(x / self.em, y / self.em)
    }
}

impl OutlineBuilder for OutlineCollector {
    fn move_to(&mut self, x: f32, y: f32) {
        self.current = self.point(x, y);
        self.path.push(Segment::MoveTo(self.current));
    }

    fn line_to(&mut self, x: f32, y: f32) {
        self.current = self.point(x, y);
        self.path.push(Segment::LineTo(self.current));
    }

    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        // The cubic with control points 2/3 of the way to the quadratic's one
        // traces the same curve.
        let control = self.point(x1, y1);
        let end = self.point(x, y);
        let c1 = self.current.towards(control, 2.0 / 3.0);
        let c2 = end.towards(control, 2.0 / 3.0);
        self.current = end;
        self.path.push(Segment::CurveTo(c1, c2, end));
    }

    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        self.current = self.point(x, y);
        self.path.push(Segment::CurveTo(
            self.point(x1, y1),
            self.point(x2, y2),
            self.current,
        ));
    }

    fn close(&mut self) {
        self.path.push(Segment::Close);
    }
}

/// Where a glyph's em space lands in seal space: an affine map.
struct Placement {
    origin: Point,
    x_axis: Point,
    y_axis: Point,
}

impl Placement {
    fn apply(&self, p: Point) -> Point {
        self.origin
            .plus(self.x_axis.scaled(p.x))
            .plus(self.y_axis.scaled(p.y))
    }

    fn place(&self, glyph: &Glyph) -> Path {
        glyph
            .outline
            .iter()
            .map(|s| s.map(|p| self.apply(p)))
            .collect()
    }
}

/// How text meets the width it is given: first condensed, down to
/// [`MIN_CONDENSE`], then made smaller, as seal engravers do.
struct Fit {
    scale: f32,
    condense: f32,
}

fn fit(natural: f32, available: f32) -> Fit {
    let condense = (available / natural).min(1.0);
    if condense >= MIN_CONDENSE {
        Fit {
            scale: 1.0,
            condense,
        }
    } else {
        Fit {
            scale: condense / MIN_CONDENSE,
            condense: MIN_CONDENSE,
        }
    }
}

/// Where the ring's inside edge leaves room for text.
fn text_limit() -> f32 {
    1.0 - RING_WIDTH - NAME_GAP
}

/// A value that moves from `short` to `long` as a name grows between the two lengths.
fn by_length(chars: usize, short: f32, long: f32) -> f32 {
    let t = (chars as f32 - NAME_SHORT_CHARS) / (NAME_LONG_CHARS - NAME_SHORT_CHARS);
    short + (long - short) * t.clamp(0.0, 1.0)
}

/// The organisation name around the upper arc, one path per visible character.
fn arc_text(text: &Text) -> Vec<Path> {
    let Some(ink) = text.ink else {
        return Vec::new();
    };
    let count = text.glyphs.len();
    let span = by_length(count, NAME_SPAN_SHORT, NAME_SPAN_LONG).min(NAME_MAX_PITCH * count as f32);
    let pitch = span / count as f32;

    let size = by_length(count, NAME_HEIGHT_SHORT, NAME_HEIGHT_LONG) / ink.height();
    let natural_half_width = text.half_width() * size;
    // The top corners of a character lie furthest out; the widest one sets
    // how far out the tops may go.
    let top = (text_limit().powi(2) - natural_half_width.powi(2)).sqrt();
    let middle = top - ink.height() * size / 2.0;
    let slot = middle * pitch.to_radians() * NAME_FILL;
    let Fit { scale, condense } = fit(2.0 * natural_half_width, slot);
    let size = size * scale;

    let first = 90.0 + span / 2.0 - pitch / 2.0;
    text.glyphs
        .iter()
        .enumerate()
        .map(|(i, glyph)| {
            let angle = first - pitch * i as f32;
            let outward = Point::polar(1.0, angle);
            let clockwise = Point::new(outward.y, -outward.x);
            let x_axis = clockwise.scaled(size * condense);
            let y_axis = outward.scaled(size);
            let origin = outward
                .scaled(top - ink.max.y * size)
                .plus(x_axis.scaled(-glyph.advance / 2.0));
            Placement {
                origin,
                x_axis,
                y_axis,
            }
            .place(glyph)
        })
        .collect()
}

/// The purpose, level and centred below the star.
fn level_text(text: &Text) -> Vec<Path> {
    let Some(ink) = text.ink else {
        return Vec::new();
    };
    let size = PURPOSE_HEIGHT / ink.height();
    let step = |glyph: &Glyph| glyph.advance + PURPOSE_TRACKING;
    let total: f32 = text.glyphs.iter().map(step).sum::<f32>() - PURPOSE_TRACKING;
    let bottom = PURPOSE_CENTRE_Y - PURPOSE_HEIGHT / 2.0;
    let chord = 2.0 * (text_limit().powi(2) - bottom.powi(2)).sqrt();
    let Fit { scale, condense } = fit(total * size, chord.min(PURPOSE_MAX_WIDTH));
    let size = size * scale;
    let width = total * size * condense;

    let baseline = PURPOSE_CENTRE_Y - (ink.min.y + ink.max.y) / 2.0 * size;
    let mut pen = -width / 2.0;
    text.glyphs
        .iter()
        .map(|glyph| {
            let placement = Placement {
                origin: Point::new(pen, baseline),
                x_axis: Point::new(size * condense, 0.0),
                y_axis: Point::new(0.0, size),
            };
            pen += step(glyph) * size * condense;
            placement.place(glyph)
        })
        .collect()
}

/// The rim: the outer circle anticlockwise, the inner one clockwise, so the
/// nonzero rule leaves the middle empty.
fn ring() -> Path {
    let mut path = circle(1.0, false);
    path.extend(circle(1.0 - RING_WIDTH, true));
    path
}

/// A circle of four cubic arcs, starting at the right.
fn circle(radius: f32, clockwise: bool) -> Path {
    // Control points at this fraction of the radius give a quarter circle to within 0.03 %.
    const KAPPA: f32 = 0.552_284_8;
    let turn = if clockwise { -90.0 } else { 90.0 };
    let mut path = vec![Segment::MoveTo(Point::polar(radius, 0.0))];
    for quarter in 0..4 {
        let from = turn * quarter as f32;
        let to = from + turn;
        let start = Point::polar(radius, from);
        let end = Point::polar(radius, to);
        let c1 = start.plus(Point::polar(radius * KAPPA, from + turn));
        let c2 = end.plus(Point::polar(radius * KAPPA, to - turn));
        path.push(Segment::CurveTo(c1, c2, end));
    }
    path.push(Segment::Close);
    path
}

/// The five-pointed star, one point up.
fn star() -> Path {
    let mut path: Path = (0..10)
        .map(|i| {
            let radius = if i % 2 == 0 {
                STAR_RADIUS
            } else {
                STAR_RADIUS * STAR_INNER_RATIO
            };
            let corner = Point::polar(radius, 90.0 + 36.0 * i as f32);
            if i == 0 {
                Segment::MoveTo(corner)
            } else {
                Segment::LineTo(corner)
            }
        })
        .collect();
    path.push(Segment::Close);
    path
}

/// Writes paths in page units: the seal's centre at (r, r), r the radius in points.
struct ContentStream {
    text: String,
    radius: f32,
}

impl ContentStream {
    fn new(radius: f32) -> Self {
        Self {
            text: format!("q\n{SEAL_RED} rg\n"),
            radius,
        }
    }

    fn fill(&mut self, path: &[Segment]) {
        // A space has no outline; an empty path would leave a lone `f`.
        if path.is_empty() {
            return;
        }
        for segment in path {
            match *segment {
                Segment::MoveTo(p) => self.operator(&[p], "m"),
                Segment::LineTo(p) => self.operator(&[p], "l"),
                Segment::CurveTo(a, b, c) => self.operator(&[a, b, c], "c"),
                Segment::Close => self.text.push_str("h\n"),
            }
        }
        self.text.push_str("f\n");
    }

    fn operator(&mut self, points: &[Point], op: &str) {
        for p in points {
            let x = number(self.radius * (1.0 + p.x));
            let y = number(self.radius * (1.0 + p.y));
            // Writing to a String cannot fail.
            let _ = write!(self.text, "{x} {y} ");
        }
        self.text.push_str(op);
        self.text.push('\n');
    }

    fn finish(mut self) -> Vec<u8> {
        self.text.push_str("Q\n");
        self.text.into_bytes()
    }
}

/// Two decimals at most, without trailing zeros or a negative zero: a hundredth
/// of a point is far below what print or screen can show.
fn number(value: f32) -> String {
    let text = format!("{value:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    match text {
        "-0" | "" => "0".to_owned(),
        _ => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    //! Set GAZETTE_SEAL_PREVIEW_DIR to keep the PDFs the rendering test draws,
    //! then look at them (`pdftoppm -png -r 200 FILE PREFIX`).

    use super::*;
    use lopdf::content::Content;
    use lopdf::{Document, Object, Stream, dictionary};
    use std::process::Command;

    static FONT: &[u8] = include_bytes!("../../fonts/NotoSansCJKsc-Bold.otf");
    /// 42 mm in points.
    const DIAMETER: f32 = 42.0 / 25.4 * 72.0;
    const NAME: &str = "上海市人民政府办公厅";
    const LONG_NAME: &str = "上海市人民政府办公厅公报编辑部";
    const PURPOSE: &str = "公报专用章";

    fn seal(organisation: &str, purpose: &str) -> Appearance {
        let design = SealDesign {
            organisation,
            purpose,
            diameter: DIAMETER,
        };
        draw(&design, FONT).expect("the bundled Hei face covers the test names")
    }

    /// The operators of a stream, each with its operands, as lopdf reads them.
    fn operations(content: &[u8]) -> Vec<(String, Vec<f32>)> {
        let content = Content::decode_strict(content).expect("a well-formed content stream");
        content
            .operations
            .into_iter()
            .map(|op| {
                let operands = op.operands.iter().map(|o| o.as_float().unwrap()).collect();
                (op.operator, operands)
            })
            .collect()
    }

    /// Every filled path as the list of its points in page units, control points included.
    fn filled_paths(content: &[u8]) -> Vec<Vec<(f32, f32)>> {
        let mut paths = Vec::new();
        let mut current = Vec::new();
        for (operator, operands) in operations(content) {
            match operator.as_str() {
                "m" | "l" | "c" => current.extend(operands.chunks(2).map(|p| (p[0], p[1]))),
                "f" => paths.push(std::mem::take(&mut current)),
                _ => {}
            }
        }
        paths
    }

    /// Distance from the seal's centre and angle in degrees (0 at the right, anticlockwise).
    fn polar((x, y): (f32, f32)) -> (f32, f32) {
        let (dx, dy) = (x - DIAMETER / 2.0, y - DIAMETER / 2.0);
        (dx.hypot(dy), dy.atan2(dx).to_degrees())
    }

    fn centroid(path: &[(f32, f32)]) -> (f32, f32) {
        let n = path.len() as f32;
        let (x, y) = path
            .iter()
            .fold((0.0, 0.0), |(sx, sy), (x, y)| (sx + x, sy + y));
        (x / n, y / n)
    }

    fn visible_chars(text: &str) -> usize {
        text.chars().filter(|c| !c.is_whitespace()).count()
    }

    #[test]
    fn same_design_gives_same_bytes() {
        assert_eq!(seal(NAME, PURPOSE), seal(NAME, PURPOSE));
        assert_ne!(
            seal(NAME, PURPOSE).content,
            seal(LONG_NAME, PURPOSE).content
        );
    }

    #[test]
    fn stream_only_paints_red_paths_with_short_numbers() {
        let appearance = seal(NAME, PURPOSE);
        let allowed = ["q", "Q", "rg", "m", "l", "c", "h", "f"];
        for (operator, operands) in operations(&appearance.content) {
            assert!(allowed.contains(&operator.as_str()), "operator {operator}");
            if operator == "rg" {
                assert_eq!(operands, [0.85, 0.1, 0.1]);
            }
        }
        let text = String::from_utf8(appearance.content).unwrap();
        for token in text.split_whitespace() {
            if let Some((_, decimals)) = token.split_once('.') {
                assert!(decimals.len() <= 2 && !decimals.ends_with('0'), "{token}");
            }
            assert_ne!(token, "-0");
        }
    }

    #[test]
    fn every_visible_character_is_one_filled_path() {
        for name in ["上海", NAME, LONG_NAME, "上海 浦东"] {
            let paths = filled_paths(&seal(name, PURPOSE).content);
            // The ring and the star come first.
            assert_eq!(
                paths.len(),
                2 + visible_chars(name) + visible_chars(PURPOSE)
            );
        }
        let without_purpose = filled_paths(&seal(NAME, "").content);
        assert_eq!(without_purpose.len(), 2 + visible_chars(NAME));
    }

    #[test]
    fn a_character_missing_from_the_font_is_named() {
        let hieroglyph = '\u{13000}';
        let face = Face::parse(FONT, 0).unwrap();
        assert!(
            face.glyph_index(hieroglyph).is_none(),
            "test needs an uncovered character"
        );

        let name = format!("上海{hieroglyph}");
        let design = SealDesign {
            organisation: &name,
            purpose: PURPOSE,
            diameter: DIAMETER,
        };
        let error = draw(&design, FONT).unwrap_err();
        assert_eq!(
            error,
            AppearanceError::MissingGlyph {
                character: hieroglyph,
                text: "organisation name"
            }
        );
        assert!(error.to_string().contains("U+13000"), "{error}");

        let design = SealDesign {
            organisation: NAME,
            purpose: &name,
            diameter: DIAMETER,
        };
        let error = draw(&design, FONT).unwrap_err().to_string();
        assert!(
            error.contains("U+13000") && error.contains("purpose"),
            "{error}"
        );
    }

    #[test]
    fn an_empty_organisation_is_refused() {
        for organisation in ["", " \u{3000} "] {
            let design = SealDesign {
                organisation,
                purpose: PURPOSE,
                diameter: DIAMETER,
            };
            assert_eq!(draw(&design, FONT), Err(AppearanceError::EmptyOrganisation));
        }
    }

    #[test]
    fn unusable_diameters_and_fonts_are_refused() {
        for diameter in [f32::NAN, f32::INFINITY, 0.0, -119.0, 5.0, 1e6] {
            let design = SealDesign {
                organisation: NAME,
                purpose: PURPOSE,
                diameter,
            };
            let error = draw(&design, FONT).unwrap_err();
            assert!(matches!(error, AppearanceError::BadDiameter(_)), "{error}");
        }
        let design = SealDesign {
            organisation: NAME,
            purpose: PURPOSE,
            diameter: DIAMETER,
        };
        let error = draw(&design, b"not a font").unwrap_err();
        assert!(
            matches!(error, AppearanceError::UnreadableFont(_)),
            "{error}"
        );
    }

    #[test]
    fn the_bbox_is_the_diameter_and_the_ring_fills_it() {
        for diameter in [DIAMETER, 150.0] {
            let design = SealDesign {
                organisation: NAME,
                purpose: PURPOSE,
                diameter,
            };
            let appearance = draw(&design, FONT).unwrap();
            assert_eq!(appearance.bbox, [0.0, 0.0, diameter, diameter]);
            let ring = &filled_paths(&appearance.content)[0];
            let xs = ring.iter().map(|p| p.0);
            let ys = ring.iter().map(|p| p.1);
            assert_eq!(xs.clone().fold(f32::MAX, f32::min), 0.0);
            assert_eq!(ys.clone().fold(f32::MAX, f32::min), 0.0);
            assert!((xs.fold(0.0, f32::max) - diameter).abs() < 0.01);
            assert!((ys.fold(0.0, f32::max) - diameter).abs() < 0.01);
        }
    }

    #[test]
    fn short_and_long_names_stay_inside_the_ring() {
        let very_long = "上海市人民政府办公厅公报编辑部出版发行印刷管理处";
        for name in ["上海", NAME, LONG_NAME, very_long] {
            let paths = filled_paths(&seal(name, PURPOSE).content);
            // The ring's inner circle: its points closest to the centre.
            let inside = paths[0]
                .iter()
                .map(|&p| polar(p).0)
                .fold(f32::MAX, f32::min);
            assert!((inside / (DIAMETER / 2.0) - (1.0 - RING_WIDTH)).abs() < 0.001);
            // Curves lie within their control points, so checking points suffices.
            for path in &paths[1..] {
                for &point in path {
                    assert!(
                        polar(point).0 < inside,
                        "{name}: {point:?} reaches the ring"
                    );
                }
            }
        }
    }

    #[test]
    fn the_name_reads_clockwise_over_the_top() {
        let paths = filled_paths(&seal(NAME, PURPOSE).content);
        let angles: Vec<f32> = paths[2..2 + visible_chars(NAME)]
            .iter()
            .map(|path| {
                let angle = polar(centroid(path)).1;
                // Lower left comes out negative: put it past 180°.
                if angle < -90.0 { angle + 360.0 } else { angle }
            })
            .collect();
        assert!(angles.windows(2).all(|w| w[0] > w[1]), "{angles:?}");
        let spread = angles[0] - angles[angles.len() - 1];
        assert!(
            angles[0] > 180.0 && angles[angles.len() - 1] < 0.0,
            "{angles:?}"
        );
        assert!((180.0..240.0).contains(&spread), "{spread}");
    }

    #[test]
    fn quadratic_curves_become_the_same_cubic_curves() {
        let mut collector = OutlineCollector {
            path: Vec::new(),
            current: Point::new(0.0, 0.0),
            em: 1000.0,
        };
        collector.move_to(0.0, 0.0);
        collector.quad_to(1000.0, 1000.0, 2000.0, 0.0);
        let Segment::CurveTo(c1, c2, end) = collector.path[1] else {
            panic!("expected a cubic curve, got {:?}", collector.path[1]);
        };
        // The quadratic's midpoint (1, 0.5) must be the cubic's too.
        let mid = Point::new(0.0, 0.0)
            .scaled(0.125)
            .plus(c1.scaled(0.375))
            .plus(c2.scaled(0.375))
            .plus(end.scaled(0.125));
        assert!(
            (mid.x - 1.0).abs() < 1e-6 && (mid.y - 0.5).abs() < 1e-6,
            "{mid:?}"
        );
        assert_eq!(end, Point::new(2.0, 0.0));
    }

    #[test]
    fn a_truetype_font_with_quadratic_outlines_works_too() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fonts/LXGWWenKai-Regular.ttf");
        let font = std::fs::read(path).unwrap();
        let face = Face::parse(&font, 0).unwrap();
        assert!(
            face.tables().glyf.is_some(),
            "test needs a glyf (quadratic) font"
        );
        let design = SealDesign {
            organisation: NAME,
            purpose: PURPOSE,
            diameter: DIAMETER,
        };
        let appearance = draw(&design, &font).unwrap();
        let paths = filled_paths(&appearance.content);
        assert_eq!(
            paths.len(),
            2 + visible_chars(NAME) + visible_chars(PURPOSE)
        );
        let curves = operations(&appearance.content)
            .iter()
            .filter(|(operator, _)| operator == "c")
            .count();
        assert!(curves > 100, "only {curves} curves");
        let inside = DIAMETER / 2.0 * (1.0 - RING_WIDTH);
        assert!(paths[1..].iter().flatten().all(|&p| polar(p).0 < inside));
    }

    /// Radial and tangential size of the first character, 上 in both names.
    fn first_character_size(name: &str) -> (f32, f32) {
        let paths = filled_paths(&seal(name, PURPOSE).content);
        let path = &paths[2];
        let (_, angle) = polar(centroid(path));
        let (radial, tangential): (Vec<f32>, Vec<f32>) = path
            .iter()
            .map(|&p| {
                let (r, a) = polar(p);
                let off = (a - angle).to_radians();
                (r * off.cos(), r * off.sin())
            })
            .unzip();
        let extent = |v: &[f32]| {
            v.iter().copied().fold(f32::MIN, f32::max) - v.iter().copied().fold(f32::MAX, f32::min)
        };
        (extent(&radial), extent(&tangential))
    }

    #[test]
    fn longer_names_get_smaller_and_narrower_characters() {
        let (short_height, short_width) = first_character_size(NAME);
        let (long_height, long_width) = first_character_size(LONG_NAME);
        assert!(
            long_height < short_height * 0.95,
            "{long_height} vs {short_height}"
        );
        assert!(long_width / long_height < short_width / short_height);
    }

    #[test]
    fn the_purpose_is_level_and_centred_below_the_star() {
        let paths = filled_paths(&seal(NAME, PURPOSE).content);
        let star_bottom = paths[1].iter().map(|p| p.1).fold(f32::MAX, f32::min);
        let purpose: Vec<(f32, f32)> = paths[2 + visible_chars(NAME)..].concat();
        let top = purpose.iter().map(|p| p.1).fold(f32::MIN, f32::max);
        let left = purpose.iter().map(|p| p.0).fold(f32::MAX, f32::min);
        let right = purpose.iter().map(|p| p.0).fold(f32::MIN, f32::max);
        assert!(
            top < star_bottom,
            "purpose top {top}, star bottom {star_bottom}"
        );
        let middle = (left + right) / 2.0;
        assert!(
            (middle - DIAMETER / 2.0).abs() < 1.0,
            "purpose centred at {middle}"
        );
    }

    /// A one-page PDF showing the seal as a Form XObject, 10 pt from the page edges.
    fn preview_pdf(appearance: &Appearance) -> Vec<u8> {
        const MARGIN: f32 = 10.0;
        let mut doc = Document::with_version("1.7");
        let pages = doc.new_object_id();
        let bbox: Vec<Object> = appearance.bbox.iter().map(|&v| v.into()).collect();
        let form = doc.add_object(Stream::new(
            dictionary! { "Type" => "XObject", "Subtype" => "Form", "BBox" => bbox },
            appearance.content.clone(),
        ));
        let show = format!("q 1 0 0 1 {MARGIN} {MARGIN} cm /Seal Do Q");
        let contents = doc.add_object(Stream::new(dictionary! {}, show.into_bytes()));
        let side = appearance.bbox[2] + 2.0 * MARGIN;
        let page = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages,
            "MediaBox" => vec![0.into(), 0.into(), side.into(), side.into()],
            "Contents" => contents,
            "Resources" => dictionary! { "XObject" => dictionary! { "Seal" => form } },
        });
        doc.objects.insert(
            pages,
            Object::Dictionary(dictionary! {
                "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1,
            }),
        );
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
        doc.trailer.set("Root", catalog);
        let mut bytes = Vec::new();
        doc.save_to(&mut bytes).unwrap();
        bytes
    }

    /// An RGB raster read from a binary PPM (P6), as pdftoppm writes by default.
    struct Raster {
        width: usize,
        pixels: Vec<u8>,
    }

    impl Raster {
        fn read(bytes: &[u8]) -> Self {
            let mut fields = Vec::new();
            let mut start = 0;
            for (i, &b) in bytes.iter().enumerate() {
                if b.is_ascii_whitespace() {
                    if i > start {
                        fields.push(std::str::from_utf8(&bytes[start..i]).unwrap());
                    }
                    start = i + 1;
                    if fields.len() == 4 {
                        break;
                    }
                }
            }
            assert_eq!(fields[0], "P6");
            assert_eq!(fields[3], "255");
            Self {
                width: fields[1].parse().unwrap(),
                pixels: bytes[start..].to_vec(),
            }
        }

        fn is_red(&self, (x, y): (usize, usize)) -> bool {
            let i = 3 * (y * self.width + x);
            let [r, g, b] = [self.pixels[i], self.pixels[i + 1], self.pixels[i + 2]];
            r > 180 && g < 110 && b < 110
        }

        fn is_white(&self, (x, y): (usize, usize)) -> bool {
            let i = 3 * (y * self.width + x);
            self.pixels[i..i + 3].iter().all(|&v| v > 240)
        }
    }

    fn pdftoppm_missing() -> bool {
        if Command::new("pdftoppm").arg("-v").output().is_ok() {
            return false;
        }
        assert!(
            std::env::var("GAZETTE_REQUIRE_TOOLS").as_deref() != Ok("1"),
            "pdftoppm (poppler-utils) is required"
        );
        eprintln!("skipped: pdftoppm (poppler-utils) is not installed");
        true
    }

    #[test]
    fn poppler_renders_a_red_seal() {
        if pdftoppm_missing() {
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        for (stem, name) in [("seal", NAME), ("seal-long", LONG_NAME)] {
            let pdf = dir.path().join(format!("{stem}.pdf"));
            std::fs::write(&pdf, preview_pdf(&seal(name, PURPOSE))).unwrap();
            if let Ok(keep) = std::env::var("GAZETTE_SEAL_PREVIEW_DIR") {
                std::fs::copy(
                    &pdf,
                    std::path::Path::new(&keep).join(format!("{stem}.pdf")),
                )
                .unwrap();
            }
            // 2 pixels a point: the seal is 238 pixels across, 20 from the page edges.
            let status = Command::new("pdftoppm")
                .args(["-r", "144", "-singlefile"])
                .arg(&pdf)
                .arg(dir.path().join(stem))
                .status()
                .unwrap();
            assert!(status.success());
            let raster =
                Raster::read(&std::fs::read(dir.path().join(format!("{stem}.ppm"))).unwrap());
            assert_seal_pixels(&raster);
        }
    }

    fn assert_seal_pixels(raster: &Raster) {
        let radius = DIAMETER / 2.0;
        // From seal space (unit radius, y up) to the raster (pixels, y down).
        let pixel = |x: f32, y: f32| {
            let px = 2.0 * (10.0 + radius * (1.0 + x));
            let py = 2.0 * (10.0 + radius * (1.0 - y));
            (px as usize, py as usize)
        };
        let mid_ring = 1.0 - RING_WIDTH / 2.0;
        assert!(raster.is_red(pixel(0.0, 0.0)), "the star's centre");
        for (x, y) in [(0.0, -mid_ring), (mid_ring, 0.0), (-mid_ring, 0.0)] {
            assert!(raster.is_red(pixel(x, y)), "the ring at ({x}, {y})");
        }
        for (x, y) in [(0.47, 0.0), (-0.47, 0.0), (0.95, 0.95), (0.0, -0.8)] {
            assert!(raster.is_white(pixel(x, y)), "empty at ({x}, {y})");
        }
        let red_share = |x0: f32, y0: f32, x1: f32, y1: f32| {
            let (left, top) = pixel(x0, y1);
            let (right, bottom) = pixel(x1, y0);
            let all: Vec<bool> = (top..bottom)
                .flat_map(|y| (left..right).map(move |x| (x, y)))
                .map(|p| raster.is_red(p))
                .collect();
            all.iter().filter(|&&red| red).count() as f32 / all.len() as f32
        };
        assert!(red_share(-0.15, 0.6, 0.15, 0.85) > 0.2, "name at the top");
        assert!(
            red_share(-0.4, -0.6, 0.4, -0.4) > 0.2,
            "purpose below the star"
        );
    }
}
