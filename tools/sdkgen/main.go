// Command sdkgen is a language plugin that only generates SDKs, so that the
// repository's test can run the real `pulumi package gen-sdk` on schema.json.
//
// Why it exists: since Pulumi 3.1xx the CLI no longer generates SDKs itself; it
// binds and validates the schema, then hands it to the language's plugin
// (`pulumi-language-<language>`) over gRPC. The Node.js plugin this repository
// builds for its end-to-end tests is the one from sdk/v3 v3.68.0 (the only one the
// Go module proxy serves here), which predates that call, and the Go and Python
// plugins are not served at all. This plugin answers that one call with Pulumi's
// own code generators from pkg/v3, at the CLI's version, and nothing else: it
// cannot run a program. It is installed under each language's plugin name in a
// directory of its own, which only the gen-sdk test puts on PATH.
//
// scripts/ensure-sdkgen.sh builds it against the same pkg/v3 release as the CLI.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	codegenrpc "github.com/pulumi/pulumi/sdk/v3/proto/go/codegen"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// The tool name the generators write into the files' "do not edit" header.
const tool = "pulumi-ops-management sdkgen"

// The release of pkg/v3 whose generators this plugin runs, the CLI's; set at build
// time by scripts/ensure-sdkgen.sh.
var generatorsVersion = "0.0.0"

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	// nodejs, go or python: taken from the name the plugin was started by.
	language string
}

// The CLI asks every plugin for its version before using it; this one's is that
// of the code generators it was built with.
func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: generatorsVersion}, nil
}

func (h *host) GeneratePackage(
	ctx context.Context, req *pulumirpc.GeneratePackageRequest,
) (*pulumirpc.GeneratePackageResponse, error) {
	// Types of other packages (none today) are resolved through the CLI's loader.
	client, err := schema.NewLoaderClient(req.LoaderTarget)
	if err != nil {
		return nil, err
	}
	defer client.Close()
	loader := schema.NewCachedLoader(client)

	var spec schema.PackageSpec
	if err := json.Unmarshal([]byte(req.Schema), &spec); err != nil {
		return nil, fmt.Errorf("schema: %w", err)
	}
	pkg, diags, err := schema.BindSpec(spec, loader, schema.ValidationOptions{})
	if err != nil {
		return nil, err
	}
	if diags.HasErrors() {
		return &pulumirpc.GeneratePackageResponse{Diagnostics: rpcDiagnostics(diags)}, nil
	}

	var files map[string][]byte
	switch h.language {
	case "nodejs":
		files, err = nodejs.GeneratePackage(tool, pkg, req.ExtraFiles, req.LocalDependencies, req.Local, loader)
	case "python":
		files, err = python.GeneratePackage(tool, pkg, req.ExtraFiles, loader)
	case "go":
		files, err = gogen.GeneratePackage(tool, pkg, req.LocalDependencies)
	default:
		err = fmt.Errorf("sdkgen generates nodejs, python and go SDKs, not %q", h.language)
	}
	if err != nil {
		return nil, err
	}
	for name, content := range files {
		path := filepath.Join(req.Directory, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(path, content, 0o600); err != nil {
			return nil, err
		}
	}
	return &pulumirpc.GeneratePackageResponse{Diagnostics: rpcDiagnostics(diags)}, nil
}

func rpcDiagnostics(diags hcl.Diagnostics) []*codegenrpc.Diagnostic {
	out := make([]*codegenrpc.Diagnostic, 0, len(diags))
	for _, d := range diags {
		out = append(out, plugin.HclDiagnosticToRPCDiagnostic(d))
	}
	return out
}

func main() {
	// The CLI starts a language plugin with its engine's address and options as
	// arguments; generating an SDK needs none of them.
	language := strings.TrimPrefix(filepath.Base(os.Args[0]), "pulumi-language-")
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, &host{language: language})
			return nil
		},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	// The CLI reads the port from the plugin's first line of output.
	fmt.Println(handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
