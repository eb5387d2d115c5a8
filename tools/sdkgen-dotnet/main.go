// Command sdkgen-dotnet writes the .NET SDK of a Pulumi package schema with Pulumi's
// own C# generator: `sdkgen-dotnet <schema.json> <output directory>`.
//
// Why it is a command of its own and not a language of tools/sdkgen: the C#
// generator left the pulumi/pulumi Go modules (it moved to the .NET language host's
// repository, which the Go module proxy here does not serve), so the newest pkg/v3
// that still holds codegen/dotnet is older than the CLI's, and one Go build cannot
// hold two releases of pkg/v3. scripts/ensure-sdkgen-dotnet.sh builds it against
// that release; the schema is bound by the same release, with no plugin host.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"os"
	"path/filepath"

	"github.com/pulumi/pulumi/pkg/v3/codegen/dotnet"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// The tool name the generator writes into the files' "do not edit" header.
const tool = "pulumi-ops-management sdkgen-dotnet"

// packageIcon answers the generator's one HTTP request. The C# generator downloads
// the NuGet package's icon (the schema's logoUrl, else a Pulumi logo on GitHub)
// while it generates; these machines reach no such host, and the icon does not
// change what the SDK means. So no request leaves this process: every one is
// answered with a plain 64x64 PNG drawn here.
type packageIcon struct{}

func (packageIcon) RoundTrip(req *http.Request) (*http.Response, error) {
	picture := image.NewNRGBA(image.Rect(0, 0, 64, 64))
	for x := 0; x < 64; x++ {
		for y := 0; y < 64; y++ {
			picture.Set(x, y, color.NRGBA{R: 0x01, G: 0xa9, B: 0x82, A: 0xff})
		}
	}
	var encoded bytes.Buffer
	if err := png.Encode(&encoded, picture); err != nil {
		return nil, err
	}
	return &http.Response{
		StatusCode: http.StatusOK,
		Header:     http.Header{"Content-Type": []string{"image/png"}},
		Body:       io.NopCloser(&encoded),
		Request:    req,
	}, nil
}

func generate(schemaPath, outDir string) error {
	text, err := os.ReadFile(schemaPath)
	if err != nil {
		return err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(text, &spec); err != nil {
		return fmt.Errorf("%s: %w", schemaPath, err)
	}
	// The schema references no other package, so no loader is needed; its
	// `language.csharp` section, if any, is read by the generator's importer.
	pkg, err := schema.ImportSpec(
		spec, map[string]schema.Language{"csharp": dotnet.Importer}, schema.ValidationOptions{})
	if err != nil {
		return fmt.Errorf("%s: %w", schemaPath, err)
	}
	files, err := dotnet.GeneratePackage(tool, pkg, nil, nil)
	if err != nil {
		return err
	}
	for name, content := range files {
		path := filepath.Join(outDir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, content, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func main() {
	http.DefaultTransport = packageIcon{}
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: sdkgen-dotnet <schema.json> <output directory>")
		os.Exit(2)
	}
	if err := generate(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
