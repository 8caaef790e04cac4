"""The organization registry (OrgRegistryCommonAsync): clients find orgPPAGUIDs by ОГРН."""
