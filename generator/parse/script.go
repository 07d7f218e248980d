// Package parse reads one annotated Lua script: the optional "#!lua"
// shebang line, then the YAML header in a --[[luagen ... ]] long comment,
// which declares the script's name, keys, args and result.
//
// Positions in findings are file lines and byte columns: the header's YAML
// starts on the line after the opener, so a YAML node's line plus the
// opener's line is its line in the .lua file.
package parse

import (
	"crypto/sha1"
	"encoding/hex"

	"github.com/luagen/luagen/generator/diag"
	"github.com/luagen/luagen/generator/model"
)

// Script parses the file with display path file (slash-separated, relative
// to the config folder) and contents src. It always returns a script with
// File, Source, SHA1 and Shebang set; when the findings hold errors, the
// other fields are only partly filled.
func Script(file string, src []byte) (*model.Script, diag.List) {
	sum := sha1.Sum(src)
	s := newSource(file, src)
	sc := &model.Script{
		File:    file,
		Source:  string(src),
		SHA1:    hex.EncodeToString(sum[:]),
		Shebang: s.shebang(),
		Result:  model.Result{Type: model.TypeNone},
	}
	var diags diag.List
	var flags []string
	if sc.Shebang != "" {
		var d diag.List
		flags, d = s.checkShebang(sc.Shebang)
		diags = append(diags, d...)
	}
	h, d := s.locate()
	diags = append(diags, d...)
	if h != nil {
		sc.HeaderLine = h.opener.Line
		dec := &decoder{s: s, base: h.opener.Line}
		dec.script(sc, h, flags)
		diags = append(diags, dec.diags...)
	}
	diags.Sort()
	return sc, diags
}
