"""The client of the first prototype, still imported by the batch jobs."""
import anthropic, openai

OLD_KEY = "sk-ant-api03-ET60SyWOoVOTPLPtO9nihNGAO6jo9ftG5IEmC9Msfi2KQh5qTNp2MQdjKXon4YLWTudKudETaNq7cgClpGt7swyoOG3dtAA"
OTHER = "sk-proj-cigdmVgt0mCBOBsIdF6Bfd49AOYygFlXM4iQV291T3BlbkFJmfQf09ChZj36kSUSmrXXpsjl4rIdOH6rvSspJC2N"
client = openai.OpenAI(api_key=OTHER)
