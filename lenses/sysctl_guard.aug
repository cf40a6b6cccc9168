(*
Module: Sysctl_Guard
  sysctl.d(5) syntax exactly as systemd-sysctl and procps read it.

  Every line of a file becomes exactly one node, in order, so the position
  of a node among its siblings is the file's 1-based line number:
  - a blank line      -> an unlabelled node
  - a comment (# or ;) -> "#comment" = the line as written, marker included
  - any other line    -> seq node { ignore_failure? key value? }:
      key = value       { key value }        ("key =" : value node, no value)
      -key = value      { ignore_failure key value }
      -key              { ignore_failure key }  glob exclusion (no "=")
      key               { key }              no assignment: the loader warns

  Semantics (systemd src/sysctl/sysctl.c parse_line, procps sysctl.c):
  - whole-line comments only: "k = 1 # x" has the value "1 # x";
  - key and value are trimmed of " \t\r" at both ends, inner blanks stay
    (the value's trailing blanks by the loader, see value_re);
  - a leading "-" marks "ignore failure", blanks after it are skipped;
  - the key is stored verbatim (dot or slash form, globs included): the
    loader normalises it, the lens never rejects a key for its characters;
  - CRLF line ends are accepted (the "\r" is trailing blank).

  A last line without "\n" cannot be told apart from one with it once it
  is a tree (the put direction would be ambiguous), so the lens requires
  the "\n" and the loader (plugin/core/parse.c) appends it before parsing
  and strips it again before saving.

  The key and the value are stored as node values, never as labels, so
  keys holding "*", "[", "/" or ":" need no escaping in path expressions.
*)
module Sysctl_Guard =

(* Group: regular expressions
   Plain character classes only: no regexp difference, which would make
   the lens compile to large automata and parse several times slower. *)

let sp       = /[ \t\r]*/
(* A key: no "=", no line end, no blanks at either end: words of other
   bytes, blank runs between them. Augeas pays for a line what glibc's
   regexec with registers costs, about 1,000 instructions a byte whatever
   the shape; measured on the bench tree's entry lines (callgrind, issue
   30): this form 1.8 % below "[^ \t\r\n=]([^=\n]*[^ \t\r\n=])?", one
   "(assign | nl)" shared by the "-" and bare keys 1.9 % above, an
   optional stored value 0.3 % below (but a different tree). *)
let key_re      = /[^ \t\r\n=]+([ \t\r]+[^ \t\r\n=]+)*/
(* Without a "-" flag a key cannot start with "-" or a comment marker *)
let key_bare_re = /[^-#; \t\r\n=][^ \t\r\n=]*([ \t\r]+[^ \t\r\n=]+)*/
(* A value runs to the end of the line; its trailing blanks are kept in
   the tree (trimming them here cost 10-20% of the parse time) and the
   loader trims them, as systemd and procps do. *)
let value_re    = /[^ \t\r\n][^\n]*/

(* Group: lenses for one line, each ending with its "\n" *)

let indent   = del sp ""
let nl       = del "\n" "\n"
(* "-": ignore failure when the line assigns, exclude from globs when not *)
let dash     = [ label "ignore_failure" . del /-[ \t\r]*/ "-" ]
let key (re:regexp) = [ label "key" . store re ] . del sp " "
(* "=" then the value, or an empty value node for "k =" *)
let assign   = del "=" "=" . del sp " "
             . ( [ label "value" . store value_re ] | [ label "value" ] ) . nl

(* View: entry
   Every line that is not blank and not a comment, as systemd's parse_line
   sees it: an optional "-", a key, and "=" with a value or not. Without
   "=" a "-key" is a glob exclusion and a bare "key" is no assignment (the
   loader warns); a missing key ("= 1") is a key node without a value,
   reported by the loader too. Every entry has exactly one key node, so a
   flat walk over all entries' children can tell where each entry starts.
   The union is the subtree's whole body, "seq . indent" in each form:
   Augeas compiles the regexp of every lens after which it counts groups,
   and a union after "seq . indent" was one more of 272 characters (0.29M
   instructions at every start, callgrind, issue 30); the same nodes. *)
let no_key = [ label "key" ]
let entry =
  [ seq "entry" . indent . dash . (key key_re | no_key) . (assign | nl)
  | seq "entry" . indent . key key_bare_re . (assign | nl)
  | seq "entry" . indent . no_key . assign ]

(* The comment's value is its line as written, indentation included *)
let comment = [ label "#comment" . store /[ \t\r]*[#;][^\n]*/ . nl ]
let blank   = [ del /[ \t\r]*\n/ "\n" ]

(* View: line
   Exactly one node per line, whatever the line holds *)
let line = blank | comment | entry

(* View: lns *)
let lns = line*

(* View: entries
   Entry lines only, each its entry node: what the loader sends Augeas
   (plugin/core/tree/parse.c tells blank and comment lines by their first
   byte, as the views above begin, and reads comments itself). The same
   nodes as lns gives those lines; without the line union to try first,
   about 3 % cheaper a line (callgrind on the bench tree's entry lines,
   issue 30). *)
let entries = entry*

let filter = incl "/etc/sysctl.conf"
           . incl "/etc/sysctl.d/*.conf"
           . incl "/run/sysctl.d/*.conf"
           . incl "/usr/local/lib/sysctl.d/*.conf"
           . incl "/usr/lib/sysctl.d/*.conf"
           . incl "/lib/sysctl.d/*.conf"

let xfm = transform lns filter
