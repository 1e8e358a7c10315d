//! A section's lines as pieces of one shared vector. A section that inherits from a template does
//! not copy the template's lines: it refers to one copy of them (the template's *form*, made once
//! and shared by every section inheriting it while the template stays unchanged). 100k phones on
//! a few templates would otherwise hold over a million copies of the same template lines.

use std::ops::Range;

use super::Var;

/// A run of a section's lines in the config's vector of own lines or of forms: 8 bytes (a large
/// configuration has about one and a half per section).
#[derive(Debug, Clone)]
pub(super) struct Piece {
    /// The run; [`FORM`] set in `start` for [`Piece::is_form`].
    vars: Range<u32>,
}

/// Bit of `Piece::vars.start` saying the piece is a form. No config has 2^31 lines: they would
/// take 32 GB.
const FORM: u32 = 1 << 31;

impl Piece {
    /// Lines of the section's own.
    pub fn own(vars: Range<u32>) -> Piece {
        Piece { vars }
    }

    /// Lines of a template's form.
    pub fn form(vars: Range<u32>) -> Piece {
        Piece {
            vars: vars.start | FORM..vars.end,
        }
    }

    /// Whether these are lines of a template's form: shared with the other sections inheriting
    /// that template, so never changed in place (see `Builder::make_own`).
    pub fn is_form(&self) -> bool {
        self.vars.start & FORM != 0
    }

    pub fn range(&self) -> Range<usize> {
        (self.vars.start & !FORM) as usize..self.vars.end as usize
    }

    pub fn len(&self) -> usize {
        self.range().len()
    }

    /// The run of the section's own lines, to add to.
    pub fn own_run(&mut self) -> Option<&mut Range<u32>> {
        (!self.is_form()).then_some(&mut self.vars)
    }
}

/// A section's option lines, in the order Asterisk holds them (inherited lines first, in the
/// order of the bases): [`super::Config::vars`].
#[derive(Debug, Clone, Copy)]
pub struct Vars<'a> {
    store: Store<'a>,
    pieces: &'a [Piece],
}

/// Where pieces point: the sections' own lines and the forms.
#[derive(Debug, Clone, Copy)]
pub(super) struct Store<'a> {
    pub own: &'a [Var],
    pub forms: &'a [Var],
}

impl<'a> Store<'a> {
    pub fn lines(&self, piece: &Piece) -> &'a [Var] {
        if piece.is_form() {
            &self.forms[piece.range()]
        } else {
            &self.own[piece.range()]
        }
    }
}

impl<'a> Vars<'a> {
    pub(super) fn new(store: Store<'a>, pieces: &'a [Piece]) -> Self {
        Vars { store, pieces }
    }

    pub fn len(&self) -> usize {
        self.pieces.iter().map(Piece::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.pieces.iter().all(|piece| piece.len() == 0)
    }

    pub fn iter(&self) -> VarsIter<'a> {
        // Not `iter_from(0)`: rules start half a million walks on a large configuration, and
        // finding the first piece is the iterator's first step anyway.
        VarsIter {
            store: self.store,
            pieces: self.pieces.iter(),
            front: [].iter(),
            back: [].iter(),
        }
    }

    /// The lines in runs of one piece each, in order: for a loop over every line, a walk of
    /// slices.
    pub fn runs(&self) -> impl Iterator<Item = &'a [Var]> + 'a {
        let store = self.store;
        self.pieces.iter().map(move |piece| store.lines(piece))
    }

    /// The lines from position `first` on (whole pieces are skipped, not walked).
    pub fn iter_from(&self, first: usize) -> VarsIter<'a> {
        let (front, rest) = match self.locate(first) {
            Some((piece, offset)) => (
                self.store.lines(&self.pieces[piece])[offset..].iter(),
                &self.pieces[piece + 1..],
            ),
            None => ([].iter(), &[][..]),
        };
        VarsIter {
            store: self.store,
            pieces: rest.iter(),
            front,
            back: [].iter(),
        }
    }

    pub fn get(&self, index: usize) -> Option<&'a Var> {
        let (piece, offset) = self.locate(index)?;
        self.store.lines(&self.pieces[piece]).get(offset)
    }

    /// The line at `index`, a position among these lines (like indexing a slice: a position
    /// from elsewhere is a bug in pjsiplint).
    pub fn at(&self, index: usize) -> &'a Var {
        match self.get(index) {
            Some(var) => var,
            None => panic!("no line {index} among {} lines", self.len()),
        }
    }

    /// The position among these lines of `var`, a reference into them (found by its address:
    /// a search by content would make loops quadratic). A template inherited twice puts the same
    /// line at two positions: the first is given.
    pub fn position(&self, var: &Var) -> Option<usize> {
        let address = var as *const Var as usize;
        let mut before = 0;
        for piece in self.pieces {
            let lines = self.store.lines(piece);
            let start = lines.as_ptr() as usize;
            if let Some(offset) = address.checked_sub(start) {
                let index = offset / std::mem::size_of::<Var>();
                if offset % std::mem::size_of::<Var>() == 0 && index < lines.len() {
                    return Some(before + index);
                }
            }
            before += lines.len();
        }
        None
    }

    /// The piece holding position `index`, and the position within it.
    pub(super) fn locate(&self, index: usize) -> Option<(usize, usize)> {
        let mut offset = index;
        for (at, piece) in self.pieces.iter().enumerate() {
            if offset < piece.len() {
                return Some((at, offset));
            }
            offset -= piece.len();
        }
        None
    }
}

impl<'a> IntoIterator for Vars<'a> {
    type Item = &'a Var;
    type IntoIter = VarsIter<'a>;

    fn into_iter(self) -> VarsIter<'a> {
        self.iter()
    }
}

/// [`Vars::iter`]: the lines of one piece after another.
#[derive(Debug, Clone)]
pub struct VarsIter<'a> {
    store: Store<'a>,
    pieces: std::slice::Iter<'a, Piece>,
    /// What is left of the piece being walked from the front, and from the back.
    front: std::slice::Iter<'a, Var>,
    back: std::slice::Iter<'a, Var>,
}

impl<'a> Iterator for VarsIter<'a> {
    type Item = &'a Var;

    fn next(&mut self) -> Option<&'a Var> {
        loop {
            if let Some(var) = self.front.next() {
                return Some(var);
            }
            match self.pieces.next() {
                Some(piece) => self.front = self.store.lines(piece).iter(),
                None => return self.back.next(),
            }
        }
    }
}

impl<'a> DoubleEndedIterator for VarsIter<'a> {
    fn next_back(&mut self) -> Option<&'a Var> {
        loop {
            if let Some(var) = self.back.next_back() {
                return Some(var);
            }
            match self.pieces.next_back() {
                Some(piece) => self.back = self.store.lines(piece).iter(),
                None => return self.front.next_back(),
            }
        }
    }
}
