//! The studio's form as typed (rows of numbers, a crop, a turn) and the
//! [`Edit`] it describes, with a problem per row to fix.

use crate::app::curate::FieldProblem;
use vitrine_core::redaction::{Edit, Method, Rect, Region, Shape, Turn};

/// One row of the studio's form, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegionInput {
    /// "rectangle" or "ellipse".
    pub shape: String,
    /// "fill", "pixelate" or "blur".
    pub method: String,
    /// Left, top, width, height: whole numbers of pixels, all four blank
    /// for an unused row.
    pub numbers: [String; 4],
}

/// The studio's form, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EditInput {
    /// The region rows.
    pub regions: Vec<RegionInput>,
    /// The crop's left, top, width, height: all blank for none.
    pub crop: [String; 4],
    /// Degrees clockwise: "0", "90", "180" or "270".
    pub turn: String,
}

const SIDES: [&str; 4] = ["left", "top", "width", "height"];

/// Four whole numbers, `None` when all are blank.
fn numbers(typed: &[String; 4], what: &str) -> Result<Option<Rect>, String> {
    if typed.iter().all(|t| t.trim().is_empty()) {
        return Ok(None);
    }
    let mut n = [0u32; 4];
    for ((slot, text), side) in n.iter_mut().zip(typed).zip(SIDES) {
        *slot = text.trim().parse().map_err(|_| {
            format!("{what}: the {side} must be a whole number of pixels, 0 or more")
        })?;
    }
    let [x, y, width, height] = n;
    Ok(Some(Rect {
        x,
        y,
        width,
        height,
    }))
}

impl EditInput {
    /// The form's rows for `edit`, plus `spare` empty rows to fill in.
    pub fn from_edit(edit: &Edit, spare: usize) -> Self {
        let rect = |r: Rect| [r.x, r.y, r.width, r.height].map(|n| n.to_string());
        let mut regions: Vec<RegionInput> = edit
            .regions
            .iter()
            .map(|r| RegionInput {
                shape: r.shape.code().into(),
                method: r.method.code().into(),
                numbers: rect(r.rect),
            })
            .collect();
        regions.extend((0..spare).map(|_| RegionInput {
            shape: Shape::Rectangle.code().into(),
            method: Method::Fill.code().into(),
            ..RegionInput::default()
        }));
        EditInput {
            regions,
            crop: edit.crop.map(rect).unwrap_or_default(),
            turn: edit.turn.degrees().to_string(),
        }
    }

    /// The edit the form describes; rows left blank are skipped. Each
    /// problem names its region by its number among the rows.
    pub fn parse(&self) -> Result<Edit, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let mut edit = Edit::default();
        for (i, row) in self.regions.iter().enumerate() {
            let what = format!("Region {}", i + 1);
            match numbers(&row.numbers, &what) {
                Ok(None) => {}
                Ok(Some(rect)) => edit.regions.push(Region {
                    shape: Shape::parse(&row.shape).unwrap_or(Shape::Rectangle),
                    method: Method::parse(&row.method).unwrap_or(Method::Fill),
                    rect,
                }),
                Err(message) => problems.push(FieldProblem::new("regions", message)),
            }
        }
        match numbers(&self.crop, "The crop") {
            Ok(crop) => edit.crop = crop,
            Err(message) => problems.push(FieldProblem::new("crop", message)),
        }
        let turn = self.turn.trim();
        match turn.parse::<i32>().ok().and_then(Turn::from_degrees) {
            Some(t) => edit.turn = t,
            None if turn.is_empty() => {}
            None => problems.push(FieldProblem::new(
                "turn",
                "Choose a turn of 0, 90, 180 or 270 degrees.",
            )),
        }
        if problems.is_empty() {
            Ok(edit)
        } else {
            Err(problems)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_round_trips_and_skips_blank_rows() {
        let edit = Edit::parse_spec("ellipse blur 1 2 3 4; crop 0 0 10 10; turn 270").unwrap();
        let input = EditInput::from_edit(&edit, 3);
        assert_eq!(input.regions.len(), 4);
        assert_eq!(input.parse(), Ok(edit));
    }

    #[test]
    fn a_bad_number_names_the_row_and_the_side() {
        let mut input = EditInput::from_edit(&Edit::default(), 2);
        input.regions[1].numbers = ["1".into(), "x".into(), "3".into(), "4".into()];
        input.turn = "45".into();
        let problems = input.parse().unwrap_err();
        assert_eq!(
            problems[0].message,
            "Region 2: the top must be a whole number of pixels, 0 or more"
        );
        assert_eq!(problems[1].field, "turn");
    }
}
