package source

import "testing"

// The constants below are spelt as the SDKs spell them (go-openai,
// openai-go, anthropic-sdk-go); each is expected to read back as the model
// name its SDK gives it, and constants of other kinds never to read as one.
func TestSDKConstModel(t *testing.T) {
	cases := map[string]string{
		"openai.GPT3Dot5Turbo":                          "openai/gpt-3.5-turbo",
		"openai.GPT3Dot5Turbo0125":                      "openai/gpt-3.5-turbo-0125",
		"openai.GPT3Babbage002":                         "openai/babbage-002",
		"openai.GPT4o":                                  "openai/gpt-4o",
		"openai.GPT4oMini":                              "openai/gpt-4o-mini",
		"openai.GPT4o20240513":                          "openai/gpt-4o-2024-05-13",
		"openai.GPT432K0613":                            "openai/gpt-4-32k-0613",
		"openai.GPT4Dot1Mini":                           "openai/gpt-4.1-mini",
		"openai.GPT5Dot6Sol":                            "openai/gpt-5.6-sol",
		"openai.O1Mini":                                 "openai/o1-mini",
		"openai.ChatModelGPT4_1Mini":                    "openai/gpt-4.1-mini",
		"openai.ChatModelGPT4o2024_05_13":               "openai/gpt-4o-2024-05-13",
		"openai.ChatModelO3Mini":                        "openai/o3-mini",
		"shared.ChatModelChatgpt4oLatest":               "openai/chatgpt-4o-latest",
		"anthropic.ModelClaude3_7SonnetLatest":          "anthropic/claude-3-7-sonnet-latest",
		"anthropic.ModelClaudeSonnet4_5":                "anthropic/claude-sonnet-4-5",
		"anthropic.ModelClaude_3_Haiku_20240307":        "anthropic/claude-3-haiku-20240307",
		"anthropic.ModelClaudeOpus4_1_20250805":         "anthropic/claude-opus-4-1-20250805",
		"openai.AudioModelWhisper1":                     "openai/whisper-1",
		"openai.ImageModelDallE3":                       "openai/dall-e-3",
		"openai.FineTuningJobNewParamsModelGPT3_5Turbo": "openai/gpt-3.5-turbo",
		// not model constants
		"openai.ChatMessageRoleUser":    "",
		"openai.CreateImageSize256x256": "",
		"anthropic.MessageParam":        "",
		"os.GPT4o":                      "",
		"openai.GPT4o()":                "",
		"openai.":                       "",
	}
	for in, want := range cases {
		prov, name, ok := sdkConstModel(in)
		got := ""
		if ok {
			got = prov + "/" + name
		}
		if got != want {
			t.Errorf("sdkConstModel(%q) = %q, want %q", in, got, want)
		}
	}
}
