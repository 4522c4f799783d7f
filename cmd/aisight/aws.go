package main

import (
	"context"
	"os"
	"path/filepath"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"

	"github.com/aisight/aisight/collectors"
	awscol "github.com/aisight/aisight/collectors/aws"
)

// awsFactory decides whether the AWS collector runs: with --aws=auto only
// when credentials are explicitly present (environment keys, a profile or
// shared files, IRSA or a container credentials endpoint), and then it never
// probes the instance metadata service.
func awsFactory(o *scanOptions, d deps) (collectors.Collector, string, error) {
	if o.aws.value == "off" {
		return nil, "disabled by --aws=off", nil
	}
	opts := awscol.Options{Org: o.awsOrg, RoleName: o.awsRoleName, ExternalID: o.awsExternalID, Regions: o.awsRegions,
		OwnerTags: o.awsOwnerTags, RatePerAccount: o.awsRate, Logger: d.log}
	why := awsCredentialSource()
	switch {
	case why != "":
		opts.ConfigOptions = append(opts.ConfigOptions, config.WithEC2IMDSClientEnableState(imds.ClientDisabled))
	case o.aws.value == "on":
		why = "enabled by --aws=on (default credential chain, instance metadata included)"
	default:
		return nil, "no AWS credentials in the environment, a profile or ~/.aws; set them or --aws=on", nil
	}
	c, err := awscol.New(context.Background(), opts)
	if err != nil {
		return nil, "", err
	}
	if o.awsOrg {
		why += "; organisation-wide with role " + o.awsRoleName
	}
	return c, why, nil
}

// awsCredentialSource names the explicit credentials present, or "".
func awsCredentialSource() string {
	for _, v := range []string{"AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"} {
		if os.Getenv(v) != "" {
			return "credentials from $" + v
		}
	}
	home, _ := os.UserHomeDir()
	for _, f := range []string{os.Getenv("AWS_SHARED_CREDENTIALS_FILE"), os.Getenv("AWS_CONFIG_FILE"), filepath.Join(home, ".aws", "credentials"), filepath.Join(home, ".aws", "config")} {
		if f != "" && fileExists(f) {
			return "credentials from " + f
		}
	}
	return ""
}
