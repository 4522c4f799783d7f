package gcp

import (
	"context"
	"errors"
	"fmt"
	"strings"

	aiplatform "cloud.google.com/go/aiplatform/apiv1"
	"cloud.google.com/go/aiplatform/apiv1/aiplatformpb"
	notebooks "cloud.google.com/go/notebooks/apiv2"
	"cloud.google.com/go/notebooks/apiv2/notebookspb"
	"google.golang.org/api/iterator"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/model"
)

// runtimeFamilies are the location's Colab Enterprise notebook runtimes.
func (s *scan) runtimeFamilies(ctx context.Context) []collectors.Family {
	const fam = "vertex.notebook_runtimes"
	cc, err := s.c.conn(ctx, vertexEndpoint(s.scope.Region))
	if err != nil {
		return failing(fam, err)
	}
	client, err := aiplatform.NewNotebookClient(ctx, clientOpts(cc)...)
	if err != nil {
		return failing(fam, err)
	}
	return []collectors.Family{{Name: fam, Collect: func(ctx context.Context) error {
		it := client.ListNotebookRuntimes(ctx, &aiplatformpb.ListNotebookRuntimesRequest{Parent: s.parent()}, s.c.callOpts(ctx)...)
		for {
			r, err := it.Next()
			if errors.Is(err, iterator.Done) {
				return nil
			}
			if err != nil {
				return callErr(err, "vertex list-notebook-runtimes in %s", s.parent())
			}
			s.sink.Asset(*s.runtimeAsset(r))
		}
	}}}
}

// runtimeAsset maps a Colab Enterprise runtime: its network (internet
// access), service account (end-user credentials when none), machine,
// accelerators and encryption. Who runs it is not reported (a person's
// email is not an asset property).
func (s *scan) runtimeAsset(r *aiplatformpb.NotebookRuntime) *model.Asset {
	src := "vertex notebook runtime " + r.GetName()
	a := s.asset(resourceID(r.GetName()), model.KindNotebook, r.GetDisplayName())
	s.label(a, r.GetLabels())
	a.Facts = append(a.Facts, model.String("notebook.product", "colab_enterprise", model.Observed, src))
	if ns := r.GetNetworkSpec(); ns != nil {
		internet := ns.GetEnableInternetAccess()
		a.Facts = append(a.Facts,
			model.Bool("notebook.direct_internet", internet, model.Observed, src),
			model.Bool("network.public_access", internet, model.Observed, src))
	}
	if spec := r.GetMachineSpec(); spec != nil {
		a.Facts = append(a.Facts,
			model.String("compute.machine_type", spec.GetMachineType(), model.Observed, src),
			model.Int("gpu.requested", int64(spec.GetAcceleratorCount()), model.Observed, src))
		if spec.GetAcceleratorType() != aiplatformpb.AcceleratorType_ACCELERATOR_TYPE_UNSPECIFIED {
			a.SetFact(model.Strings("gpu.resources", []string{spec.GetAcceleratorType().String()}, model.Observed, src))
		}
	}
	a.Facts = append(a.Facts, cmekFacts(r.GetEncryptionSpec(), src)...)
	idle := r.GetIdleShutdownConfig()
	a.SetFact(model.Bool("notebook.idle_shutdown", idle != nil && !idle.GetIdleShutdownDisabled(), model.Observed, src))
	// service_account is deprecated and "no longer used" (the NotebookRuntime
	// proto): the runtime's workload runs as the project's Vertex AI
	// Notebook service agent, and its notebooks call Google APIs with the
	// end user's credentials unless the template disabled EUC.
	agent := serviceAgent(s.project.Number, notebookAgent)
	s.runAs(a, agent, agent, src)
	euc := !r.GetEucConfig().GetEucDisabled()
	a.SetFact(model.Bool("notebook.end_user_credentials", euc, model.Observed, src+" euc_config"))
	return a
}

// workbenchFamilies are the project's Workbench instances, in every zone.
func (s *scan) workbenchFamilies(ctx context.Context) []collectors.Family {
	const fam = "workbench.instances"
	cc, err := s.c.conn(ctx, notebooksEndpt)
	if err != nil {
		return failing(fam, err)
	}
	client, err := notebooks.NewNotebookClient(ctx, clientOpts(cc)...)
	if err != nil {
		return failing(fam, err)
	}
	return []collectors.Family{{Name: fam, Collect: func(ctx context.Context) error {
		parent := "projects/" + s.project.ID + "/locations/-"
		it := client.ListInstances(ctx, &notebookspb.ListInstancesRequest{Parent: parent}, s.c.callOpts(ctx)...)
		for {
			in, err := it.Next()
			if errors.Is(err, iterator.Done) {
				return nil
			}
			if disabledReason(err) {
				// No Workbench API, no Workbench instances: worth knowing, not a gap.
				s.sink.Count("apis_not_enabled", 1)
				s.sink.Note(fmt.Errorf("workbench: the Notebooks API is not enabled in %s, so it has no Workbench instances", s.project.ID))
				return nil
			}
			if err != nil {
				return callErr(err, "workbench list-instances in %s", parent)
			}
			s.sink.Asset(*s.workbenchAsset(in))
		}
	}}}
}

// workbenchAsset maps a Workbench instance: public IP, root access, proxy
// access, its VM's service account (the Compute Engine default when none),
// accelerators and boot disk encryption.
func (s *scan) workbenchAsset(in *notebookspb.Instance) *model.Asset {
	src := "workbench instance " + in.GetName()
	a := s.asset("//notebooks.googleapis.com/"+in.GetName(), model.KindNotebook, in.GetName()[strings.LastIndex(in.GetName(), "/")+1:])
	if _, rest, ok := strings.Cut(in.GetName(), "/locations/"); ok {
		a.Region, _, _ = strings.Cut(rest, "/")
	}
	s.label(a, in.GetLabels())
	g := in.GetGceSetup()
	a.Facts = append(a.Facts,
		model.String("notebook.product", "workbench", model.Observed, src),
		model.String("notebook.state", in.GetState().String(), model.Observed, src),
		model.Bool("notebook.direct_internet", !g.GetDisablePublicIp(), model.Observed, src),
		model.Bool("network.public_access", !g.GetDisablePublicIp(), model.Observed, src),
		model.Bool("notebook.root_access", !strings.EqualFold(g.GetMetadata()["notebook-disable-root"], "true"), model.Observed, src),
		model.Bool("notebook.proxy_access", !in.GetDisableProxyAccess(), model.Observed, src),
		model.String("compute.machine_type", g.GetMachineType(), model.Observed, src),
		model.Bool("encryption.cmek", g.GetBootDisk().GetDiskEncryption() == notebookspb.DiskEncryption_CMEK, model.Observed, src))
	var gpus int64
	var kinds []string
	for _, ac := range g.GetAcceleratorConfigs() {
		gpus += ac.GetCoreCount()
		kinds = append(kinds, ac.GetType().String())
	}
	a.SetFact(model.Int("gpu.requested", gpus, model.Observed, src))
	if len(kinds) > 0 {
		a.SetFact(model.Strings("gpu.resources", kinds, model.Observed, src))
	}
	sa := ""
	if accts := g.GetServiceAccounts(); len(accts) > 0 {
		sa = accts[0].GetEmail()
	}
	who := sa
	if sa == "" {
		who = computeDefault(s.project.Number)
	}
	s.runAs(a, sa, who, src)
	return a
}
