plugins { kotlin("jvm") version "2.0.0" }
dependencies {
    implementation("org.springframework.ai:spring-ai-starter-model-anthropic:1.0.0")
    implementation("org.jetbrains.kotlin:kotlin-stdlib:2.0.0")
}
