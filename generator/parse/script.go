// Package parse reads one annotated Lua script: the optional "#!lua"
// shebang line, then the YAML header in a --[[luagen ... ]] long comment,
// which declares the script's name, keys, args and result. It reads what
// is written; generator/check then derives the Go names and checks them.
//
// Positions in findings are file lines and byte columns: the header's YAML
// starts on the line after the opener, so a YAML node's line plus the
// opener's line is its line in the .lua file.
package parse

import (
	"crypto/sha1"
	"encoding/hex"

	"github.com/luagen/luagen/generator/diag"
	"github.com/luagen/luagen/generator/luasrc"
	"github.com/luagen/luagen/generator/model"
	"github.com/luagen/luagen/generator/yamlnode"
)

// Script reads the header of the prepared script f. It always returns a
// script with File, Source, SHA1 and Shebang set; when the findings hold
// errors, the other fields are only partly filled.
func Script(f *luasrc.File) (*model.Script, diag.List) {
	sum := sha1.Sum(f.Src)
	sc := &model.Script{
		File:    f.Name,
		Source:  string(f.Src),
		SHA1:    hex.EncodeToString(sum[:]),
		Shebang: f.Shebang(),
		Result:  model.Result{Type: model.TypeNone},
	}
	var diags diag.List
	var flags []string
	if sc.Shebang != "" {
		var d diag.List
		flags, d = checkShebang(f, sc.Shebang)
		diags = append(diags, d...)
	}
	h, d := locate(f)
	diags = append(diags, d...)
	if h != nil {
		sc.HeaderLine = h.opener.Line
		dec := &decoder{yamlnode.Decoder{
			File: f.Name, Lines: f.Lines, Base: h.opener.Line, Doc: "the luagen header",
			Syntax: diag.HeaderYAML, Field: diag.HeaderField,
		}}
		dec.script(sc, h, flags)
		diags = append(diags, dec.Diags...)
	} else {
		sc.NameFromFile = true
	}
	diags.Sort()
	return sc, diags
}
