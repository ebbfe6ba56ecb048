"""The LaTeX commands ``ascii_tex`` may write: those a bare ``article`` document has.

pylatexenc's table also names commands of amssymb, T2A (Cyrillic), T1-only glyphs
(Icelandic letters, ogonek, guillemets) and TIPA, which stop a document that loads
none of them.  This list is every command of pylatexenc 2.x's table that pdflatex
defines in ``\\documentclass{article}`` with its default OT1 encoding, less those that
are defined there but refuse OT1 ("unavailable in encoding OT1") and latexsym's,
which LaTeX defines only to say they are not provided.  A character
whose command is not listed stays UTF-8.  tests/test_bibtex_tex.py typesets every
character ``ascii_tex`` converts with pdflatex and with lualatex (fontspec).
"""

from __future__ import annotations

_NAMES = """
    AE Delta Downarrow Gamma H IJ L Lambda Leftarrow Leftrightarrow Longleftarrow
    Longleftrightarrow Longrightarrow O OE Omega Phi Pi Psi Rightarrow Sigma Theta Uparrow
    Updownarrow Upsilon Vert Xi acute ae aleph alpha amalg angle approx asymp beta bigcap
    bigcirc bigcup bigtriangledown bigtriangleup bigvee bigwedge bowtie bullet c cap cdot
    cdots chi circ cong coprod cup dashv ddot ddots delta diamond dot doteq ell enskip
    ensuremath epsilon equiv eta exists fbox flat forall frown gamma geq gg hbar
    hookleftarrow hookrightarrow hspace i ij in infty int iota joinrel kappa kern l lambda
    langle lceil leftharpoondown leftharpoonup leftrightarrow leq lfloor ll
    lmoustache longleftarrow longleftrightarrow longmapsto longrightarrow mapsto mathbin
    mathchar mid mp mu nabla natural nearrow neq ni nolinebreak not notin nu nwarrow o odot
    oe oint omega ominus oplus oslash otimes parallel partial perp phi pi pm prec preceq
    prod propto psi quad r rangle rceil rfloor rho rightharpoondown rightharpoonup
    rightleftharpoons rmoustache searrow sharp sigma sim simeq small smile sqcap sqcup sqrt
    sqsubseteq sqsupseteq ss stackrel star subset subseteq succ succeq sum
    supset supseteq swarrow tau textacutedbl textasciiacute textasciibreve textasciicaron
    textasciicircum textasciidieresis textasciimacron textasciitilde textasteriskcentered
    textbaht textbigcircle textblank textbrokenbar textbullet textcelsius textcent
    textcircledP textcolonmonetary textcompwordmark textcopyright textcurrency textdagger
    textdaggerdbl textdegree textdiscount textdiv textdong textdownarrow textellipsis
    textemdash textendash textestimated texteuro textexclamdown textflorin
    textfractionsolidus textinterrobang textleftarrow textlira textlnot textmho textmu
    textmusicalnote textnaira textnumero textonehalf textonequarter textonesuperior
    textopenbullet textordfeminine textordmasculine textparagraph textperiodcentered
    textpertenthousand textperthousand textpeso textquestiondown textquotedblleft
    textquotedblright textquoteleft textquoteright textrecipe textreferencemark
    textregistered textrightarrow textsc textsection textservicemark textsterling
    textsuperscript textthreequarters textthreesuperior texttimes texttrademark
    texttwosuperior textuparrow textvisiblespace textwon textyen theta times top
    triangleleft triangleright u updownarrow uplus upsilon v varepsilon varphi varpi varrho
    varsigma vartheta vdash vdots vee wedge wp wr xi zeta
"""
BASE_COMMANDS = frozenset(_NAMES.split())
