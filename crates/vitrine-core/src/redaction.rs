//! A redaction: what to hide in a participant's photo, kept as data so that
//! it can be reopened, changed and applied again to the original pixels
//! (issue 13). The pixels are changed by `vitrine-media`; this module holds
//! the shapes, their checks and their one text form.
//!
//! Every coordinate is in the pixels of the original *turned upright* (its
//! EXIF orientation applied), which is the picture a curator sees. The steps
//! run in a fixed order: regions are hidden first, then the picture is
//! cropped, then turned; so crop and regions share one coordinate space.
//!
//! The text form ([`Edit::to_spec`], [`Edit::parse_spec`]) is one line a
//! person can read and a URL can carry, e.g.
//! `ellipse fill 120 80 200 240; rectangle pixelate 900 1400 300 90; crop 0 0 3000 2000; turn 90`.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The outline of a region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Shape {
    /// The whole box.
    Rectangle,
    /// The ellipse that fills the box (a face).
    Ellipse,
}

/// How a region is hidden. Every method is built to leave nothing to
/// recover: see `vitrine_media::redact` for the sizes it uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// One solid colour (the default and the safest).
    Fill,
    /// A few large blocks of averaged colour with noise.
    Pixelate,
    /// A blur as wide as the region, with noise.
    Blur,
}

/// Every shape and every method, in the order forms list them.
pub const SHAPES: [Shape; 2] = [Shape::Rectangle, Shape::Ellipse];
/// See [`SHAPES`].
pub const METHODS: [Method; 3] = [Method::Fill, Method::Pixelate, Method::Blur];

impl Shape {
    /// The word used in the text form and in forms.
    pub fn code(self) -> &'static str {
        match self {
            Self::Rectangle => "rectangle",
            Self::Ellipse => "ellipse",
        }
    }

    /// The word a person reads.
    pub fn label(self) -> &'static str {
        match self {
            Self::Rectangle => "Rectangle",
            Self::Ellipse => "Ellipse",
        }
    }

    /// Parses [`Shape::code`] (also "rect").
    pub fn parse(word: &str) -> Option<Self> {
        match word.trim().to_ascii_lowercase().as_str() {
            "rectangle" | "rect" => Some(Self::Rectangle),
            "ellipse" | "oval" => Some(Self::Ellipse),
            _ => None,
        }
    }
}

impl Method {
    /// The word used in the text form and in forms.
    pub fn code(self) -> &'static str {
        match self {
            Self::Fill => "fill",
            Self::Pixelate => "pixelate",
            Self::Blur => "blur",
        }
    }

    /// The words a person reads.
    pub fn label(self) -> &'static str {
        match self {
            Self::Fill => "Solid fill",
            Self::Pixelate => "Pixelate",
            Self::Blur => "Heavy blur",
        }
    }

    /// Parses [`Method::code`].
    pub fn parse(word: &str) -> Option<Self> {
        match word.trim().to_ascii_lowercase().as_str() {
            "fill" | "solid" => Some(Self::Fill),
            "pixelate" | "pixelated" => Some(Self::Pixelate),
            "blur" => Some(Self::Blur),
            _ => None,
        }
    }
}

/// A box in the upright original's pixels: left, top, width, height.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Rect {
    /// Left edge.
    pub x: u32,
    /// Top edge.
    pub y: u32,
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
}

impl Rect {
    /// The right edge (exclusive), without overflow.
    pub fn right(self) -> u64 {
        u64::from(self.x) + u64::from(self.width)
    }

    /// The bottom edge (exclusive), without overflow.
    pub fn bottom(self) -> u64 {
        u64::from(self.y) + u64::from(self.height)
    }

    /// Its area in pixels.
    pub fn area(self) -> u64 {
        u64::from(self.width) * u64::from(self.height)
    }

    /// The area it shares with `other`, in pixels.
    pub fn overlap(self, other: Rect) -> u64 {
        let across = self
            .right()
            .min(other.right())
            .saturating_sub(u64::from(self.x.max(other.x)));
        let down = self
            .bottom()
            .min(other.bottom())
            .saturating_sub(u64::from(self.y.max(other.y)));
        across * down
    }

    /// Intersection over union with `other`, 0 to 1: how face detections
    /// are matched with known faces.
    #[allow(clippy::cast_precision_loss, reason = "pixel areas, far below 2^52")]
    pub fn iou(self, other: Rect) -> f64 {
        let shared = self.overlap(other) as f64;
        let union = (self.area() + other.area()) as f64 - shared;
        if union > 0.0 { shared / union } else { 0.0 }
    }

    /// Whether the box is not empty and lies wholly inside a `width` ×
    /// `height` picture.
    pub fn fits(self, width: u32, height: u32) -> bool {
        self.width > 0
            && self.height > 0
            && self.right() <= u64::from(width)
            && self.bottom() <= u64::from(height)
    }
}

/// One region to hide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Region {
    /// Its outline.
    pub shape: Shape,
    /// How it is hidden.
    pub method: Method,
    /// Its box (an ellipse fills it).
    #[serde(flatten)]
    pub rect: Rect,
}

impl Region {
    /// A region of `shape` hidden by `method`, its box at (`x`, `y`).
    pub const fn new(
        shape: Shape,
        method: Method,
        x: u32,
        y: u32,
        width: u32,
        height: u32,
    ) -> Self {
        Region {
            shape,
            method,
            rect: Rect {
                x,
                y,
                width,
                height,
            },
        }
    }
}

/// A quarter turn clockwise, applied last.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "u16", try_from = "u16")]
pub enum Turn {
    /// As it is.
    #[default]
    None,
    /// 90° clockwise.
    Quarter,
    /// 180°.
    Half,
    /// 270° clockwise (90° anticlockwise).
    ThreeQuarters,
}

impl Turn {
    /// Every turn, in the order forms list them.
    pub const ALL: [Turn; 4] = [Turn::None, Turn::Quarter, Turn::Half, Turn::ThreeQuarters];

    /// Degrees clockwise.
    pub fn degrees(self) -> u16 {
        match self {
            Self::None => 0,
            Self::Quarter => 90,
            Self::Half => 180,
            Self::ThreeQuarters => 270,
        }
    }

    /// The turn of `degrees` clockwise (0, 90, 180 or 270; -90 is 270).
    pub fn from_degrees(degrees: i32) -> Option<Self> {
        match degrees {
            0 => Some(Self::None),
            90 | -270 => Some(Self::Quarter),
            180 | -180 => Some(Self::Half),
            270 | -90 => Some(Self::ThreeQuarters),
            _ => None,
        }
    }

    /// Whether the turn swaps width and height.
    pub fn swaps_sides(self) -> bool {
        matches!(self, Self::Quarter | Self::ThreeQuarters)
    }
}

impl From<Turn> for u16 {
    fn from(turn: Turn) -> u16 {
        turn.degrees()
    }
}

impl TryFrom<u16> for Turn {
    type Error = String;
    fn try_from(degrees: u16) -> Result<Self, String> {
        Turn::from_degrees(i32::from(degrees))
            .ok_or_else(|| format!("a turn is 0, 90, 180 or 270 degrees, not {degrees}"))
    }
}

/// Everything done to one photo: regions hidden, then an optional crop, then
/// an optional turn.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Edit {
    /// The regions, in the order they are painted.
    #[serde(default)]
    pub regions: Vec<Region>,
    /// The part to keep, if not all of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crop: Option<Rect>,
    /// The turn, if any.
    #[serde(default)]
    pub turn: Turn,
}

/// The most regions one edit may hold: far more than any photo needs, few
/// enough that painting them stays cheap.
pub const MAX_REGIONS: usize = 200;

/// A problem with an edit, for the curator: which region (1-based) or which
/// part, and what to change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The region's number (1-based), or `None` for the crop, the turn or
    /// the edit as a whole.
    pub region: Option<usize>,
    /// What is wrong and what to do.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.region {
            Some(n) => write!(f, "region {n}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl Edit {
    /// Whether the edit changes nothing.
    pub fn is_empty(&self) -> bool {
        self.regions.is_empty() && self.crop.is_none() && self.turn == Turn::None
    }

    /// Checks the edit against an upright `width` × `height` original: every
    /// region and the crop must lie inside it and not be empty.
    pub fn check(&self, width: u32, height: u32) -> Result<(), Vec<Problem>> {
        let mut problems = Vec::new();
        if self.regions.len() > MAX_REGIONS {
            problems.push(Problem {
                region: None,
                message: format!(
                    "{} regions is more than the {MAX_REGIONS} one edit may hold; \
                     cover neighbouring areas with one larger region",
                    self.regions.len()
                ),
            });
        }
        let inside = |rect: Rect| {
            if rect.width == 0 || rect.height == 0 {
                Some("its width and height must be at least 1 pixel".to_owned())
            } else if !rect.fits(width, height) {
                Some(format!(
                    "it reaches {}, {} but the photo is {width} × {height} pixels; \
                     keep left + width ≤ {width} and top + height ≤ {height}",
                    rect.right(),
                    rect.bottom()
                ))
            } else {
                None
            }
        };
        for (i, region) in self.regions.iter().enumerate() {
            if let Some(message) = inside(region.rect) {
                problems.push(Problem {
                    region: Some(i + 1),
                    message,
                });
            }
        }
        if let Some(message) = self.crop.and_then(inside) {
            problems.push(Problem {
                region: None,
                message: format!("the crop: {message}"),
            });
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    /// The size of the result for an upright `width` × `height` original.
    pub fn output_size(&self, width: u32, height: u32) -> (u32, u32) {
        let (w, h) = self.crop.map_or((width, height), |c| (c.width, c.height));
        if self.turn.swaps_sides() {
            (h, w)
        } else {
            (w, h)
        }
    }

    /// The one-line text form (see the module docs); empty for an empty edit.
    pub fn to_spec(&self) -> String {
        let mut parts: Vec<String> = self
            .regions
            .iter()
            .map(|r| {
                format!(
                    "{} {} {} {} {} {}",
                    r.shape.code(),
                    r.method.code(),
                    r.rect.x,
                    r.rect.y,
                    r.rect.width,
                    r.rect.height
                )
            })
            .collect();
        if let Some(c) = self.crop {
            parts.push(format!("crop {} {} {} {}", c.x, c.y, c.width, c.height));
        }
        if self.turn != Turn::None {
            parts.push(format!("turn {}", self.turn.degrees()));
        }
        parts.join("; ")
    }

    /// Parses [`Edit::to_spec`]'s form. Parts are separated by `;` (or new
    /// lines); a region is `SHAPE METHOD LEFT TOP WIDTH HEIGHT`, with the
    /// method optional (fill).
    pub fn parse_spec(spec: &str) -> Result<Edit, Problem> {
        let mut edit = Edit::default();
        for part in spec
            .split([';', '\n'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let words: Vec<&str> = part.split_whitespace().collect();
            let numbers = |words: &[&str]| -> Option<Rect> {
                let n: Vec<u32> = words
                    .iter()
                    .map(|w| w.parse().ok())
                    .collect::<Option<_>>()?;
                match n[..] {
                    [x, y, width, height] => Some(Rect {
                        x,
                        y,
                        width,
                        height,
                    }),
                    _ => None,
                }
            };
            let problem = |message: String| Problem {
                region: None,
                message,
            };
            match words[..] {
                ["crop", ref rest @ ..] => {
                    edit.crop = Some(numbers(rest).ok_or_else(|| {
                        problem(format!(
                            "\"{part}\": a crop is four whole numbers: left, top, width, height"
                        ))
                    })?);
                }
                ["turn", degrees] => {
                    edit.turn = degrees
                        .parse::<i32>()
                        .ok()
                        .and_then(Turn::from_degrees)
                        .ok_or_else(|| {
                            problem(format!("\"{part}\": a turn is 0, 90, 180 or 270 degrees"))
                        })?;
                }
                [shape, ref rest @ ..] => {
                    let region = edit.regions.len() + 1;
                    let shape = Shape::parse(shape).ok_or_else(|| Problem {
                        region: Some(region),
                        message: format!(
                            "\"{part}\": start with rectangle or ellipse, crop or turn"
                        ),
                    })?;
                    let (method, rest) = rest
                        .split_first()
                        .and_then(|(word, rest)| Method::parse(word).map(|m| (m, rest)))
                        .unwrap_or((Method::Fill, rest));
                    let rect = numbers(rest).ok_or_else(|| Problem {
                        region: Some(region),
                        message: format!(
                            "\"{part}\": give the method (fill, pixelate or blur) and four whole \
                             numbers: left, top, width, height"
                        ),
                    })?;
                    edit.regions.push(Region {
                        shape,
                        method,
                        rect,
                    });
                }
                [] => {}
            }
        }
        Ok(edit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn region(shape: Shape, method: Method, x: u32, y: u32, w: u32, h: u32) -> Region {
        Region::new(shape, method, x, y, w, h)
    }

    #[test]
    fn the_text_form_round_trips() {
        let edit = Edit {
            regions: vec![
                region(Shape::Ellipse, Method::Fill, 120, 80, 200, 240),
                region(Shape::Rectangle, Method::Pixelate, 900, 1400, 300, 90),
                region(Shape::Rectangle, Method::Blur, 0, 0, 1, 1),
            ],
            crop: Some(Rect {
                x: 0,
                y: 0,
                width: 3000,
                height: 2000,
            }),
            turn: Turn::Quarter,
        };
        let spec = edit.to_spec();
        assert_eq!(
            spec,
            "ellipse fill 120 80 200 240; rectangle pixelate 900 1400 300 90; \
             rectangle blur 0 0 1 1; crop 0 0 3000 2000; turn 90"
        );
        assert_eq!(Edit::parse_spec(&spec), Ok(edit));
        assert_eq!(Edit::parse_spec(""), Ok(Edit::default()));
    }

    #[test]
    fn the_method_may_be_left_out_and_means_fill() {
        let edit = Edit::parse_spec("rect 1 2 3 4\noval blur 5 6 7 8").unwrap();
        assert_eq!(
            edit.regions,
            vec![
                region(Shape::Rectangle, Method::Fill, 1, 2, 3, 4),
                region(Shape::Ellipse, Method::Blur, 5, 6, 7, 8),
            ]
        );
    }

    #[test]
    fn bad_text_names_the_region_and_the_fix() {
        let e = Edit::parse_spec("rectangle fill 1 2 3 4; ellipse smudge 1 2 3 4").unwrap_err();
        assert_eq!(e.region, Some(2));
        assert!(e.message.contains("fill, pixelate or blur"), "{e}");
        let e = Edit::parse_spec("triangle 1 2 3 4").unwrap_err();
        assert!(e.to_string().starts_with("region 1: "), "{e}");
        assert!(Edit::parse_spec("turn 45").is_err());
        assert!(Edit::parse_spec("turn 450").is_err());
        assert_eq!(
            Edit::parse_spec("turn -90").unwrap().turn,
            Turn::ThreeQuarters
        );
        assert!(Edit::parse_spec("crop 1 2 3").is_err());
        assert!(Edit::parse_spec("rectangle fill 1 2 3 -4").is_err());
    }

    #[test]
    fn regions_and_crop_must_lie_inside_the_photo() {
        let mut edit = Edit::parse_spec("rectangle 0 0 100 50; ellipse 90 40 11 10").unwrap();
        assert_eq!(
            edit.check(100, 50),
            Err(vec![Problem {
                region: Some(2),
                message:
                    "it reaches 101, 50 but the photo is 100 × 50 pixels; keep left + width ≤ 100 \
                      and top + height ≤ 50"
                        .into()
            }])
        );
        edit.regions[1].rect.width = 10;
        assert_eq!(edit.check(100, 50), Ok(()));
        edit.regions[0].rect.height = 0;
        edit.crop = Some(Rect {
            x: u32::MAX,
            y: 0,
            width: u32::MAX,
            height: 1,
        });
        let problems = edit.check(100, 50).unwrap_err();
        assert_eq!(problems.len(), 2);
        assert!(problems[0].message.contains("at least 1 pixel"));
        assert!(
            problems[1]
                .to_string()
                .starts_with("the crop: it reaches 8589934590")
        );
    }

    #[test]
    fn crop_and_turn_decide_the_size() {
        let edit = Edit::parse_spec("crop 10 10 300 200; turn 270").unwrap();
        assert_eq!(edit.output_size(4000, 3000), (200, 300));
        assert_eq!(Edit::default().output_size(4000, 3000), (4000, 3000));
        assert!(Edit::default().is_empty());
        assert!(!edit.is_empty());
    }

    #[test]
    fn overlap_and_iou_measure_shared_area() {
        let a = Rect {
            x: 0,
            y: 0,
            width: 10,
            height: 10,
        };
        let b = Rect {
            x: 5,
            y: 5,
            width: 10,
            height: 10,
        };
        assert_eq!(a.overlap(b), 25);
        assert!((a.iou(b) - 25.0 / 175.0).abs() < 1e-9);
        assert_eq!(a.iou(a), 1.0);
        assert_eq!(a.overlap(Rect { x: 20, ..b }), 0);
    }

    #[test]
    fn the_stored_form_is_plain_json() {
        let edit = Edit::parse_spec("ellipse blur 1 2 3 4; turn 180").unwrap();
        let json = serde_json::to_string(&edit).unwrap();
        assert_eq!(
            json,
            r#"{"regions":[{"shape":"ellipse","method":"blur","x":1,"y":2,"width":3,"height":4}],"turn":180}"#
        );
        assert_eq!(serde_json::from_str::<Edit>(&json).unwrap(), edit);
        assert!(serde_json::from_str::<Edit>(r#"{"turn":45}"#).is_err());
    }
}
