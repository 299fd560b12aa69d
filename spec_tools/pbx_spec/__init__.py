"""The spec tools: what a change to openapi.yaml breaks (`diff`), the breaking-change gate and the release step.

    pbx-spec diff BASE [REVISION]     the change report (pbx_spec.diff)
    pbx-spec check-breaking           the working tree against released/ (pbx_spec.release)
    pbx-spec release                  the SDK version, CHANGELOG.md and released/ (pbx_spec.release)

`sdk_dist` builds the SDK's wheel and sdist from generated/. A piece above the kit: the SDK axis of the diff
drives the generator through its public face, `pbx_generator.face`.
"""
