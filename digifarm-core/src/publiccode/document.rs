//! A publiccode.yml's content as typed data: what the checker read (best effort, also from a
//! file with errors) and what the writer writes.

/// An organisation (`organisation`, `fundedBy[]`): a name and a URI of any scheme (URL or
/// URN such as `urn:x-italian-pa:…`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Organisation {
    /// `name` (optional in the standard).
    pub name: Option<String>,
    /// `uri`.
    pub uri: String,
}

/// `intendedAudience`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Audience {
    /// `scope`.
    pub scope: Vec<String>,
    /// `countries`.
    pub countries: Vec<String>,
    /// `unsupportedCountries`.
    pub unsupported_countries: Vec<String>,
}

/// `description.<lang>`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Description {
    /// `localisedName`.
    pub localised_name: Option<String>,
    /// `genericName` (deprecated).
    pub generic_name: Option<String>,
    /// `shortDescription`.
    pub short_description: String,
    /// `longDescription`.
    pub long_description: String,
    /// `documentation`.
    pub documentation: Option<String>,
    /// `apiDocumentation`.
    pub api_documentation: Option<String>,
    /// `features`.
    pub features: Vec<String>,
    /// `screenshots`.
    pub screenshots: Vec<String>,
    /// `videos`.
    pub videos: Vec<String>,
    /// `awards`.
    pub awards: Vec<String>,
}

/// `maintenance.contractors[]`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Contractor {
    /// `name`.
    pub name: String,
    /// `until` (YYYY-MM-DD).
    pub until: String,
    /// `email`.
    pub email: Option<String>,
    /// `website`.
    pub website: Option<String>,
}

/// `maintenance.contacts[]`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Contact {
    /// `name`.
    pub name: String,
    /// `email`.
    pub email: Option<String>,
    /// `phone`, as written (`+39…` keeps its plus).
    pub phone: Option<String>,
    /// `affiliation`.
    pub affiliation: Option<String>,
}

/// The content of a publiccode.yml.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Document {
    /// `publiccodeYmlVersion`, as written.
    pub version: String,
    /// `name`.
    pub name: String,
    /// `applicationSuite`.
    pub application_suite: Option<String>,
    /// `url`.
    pub url: String,
    /// `landingURL`.
    pub landing_url: Option<String>,
    /// `isBasedOn` (a string or a list in the file).
    pub is_based_on: Vec<String>,
    /// `softwareVersion`.
    pub software_version: Option<String>,
    /// `releaseDate`.
    pub release_date: Option<String>,
    /// `logo`.
    pub logo: Option<String>,
    /// `monochromeLogo` (deprecated).
    pub monochrome_logo: Option<String>,
    /// `organisation`.
    pub organisation: Option<Organisation>,
    /// `inputTypes` (deprecated).
    pub input_types: Vec<String>,
    /// `outputTypes` (deprecated).
    pub output_types: Vec<String>,
    /// `platforms`.
    pub platforms: Vec<String>,
    /// `categories`.
    pub categories: Vec<String>,
    /// `usedBy`.
    pub used_by: Vec<String>,
    /// `fundedBy`.
    pub funded_by: Vec<Organisation>,
    /// `roadmap`.
    pub roadmap: Option<String>,
    /// `developmentStatus`.
    pub development_status: String,
    /// `softwareType`.
    pub software_type: String,
    /// `supports[].id`.
    pub supports: Vec<String>,
    /// `intendedAudience`.
    pub intended_audience: Option<Audience>,
    /// `description`, in document order.
    pub description: Vec<(String, Description)>,
    /// `legal.license`.
    pub license: String,
    /// `legal.mainCopyrightOwner`.
    pub main_copyright_owner: Option<String>,
    /// `legal.repoOwner` (deprecated).
    pub repo_owner: Option<String>,
    /// `legal.authorsFile` (deprecated).
    pub authors_file: Option<String>,
    /// `maintenance.type`.
    pub maintenance_type: String,
    /// `maintenance.contractors`.
    pub contractors: Vec<Contractor>,
    /// `maintenance.contacts`.
    pub contacts: Vec<Contact>,
    /// `localisation.localisationReady`.
    pub localisation_ready: Option<bool>,
    /// `localisation.availableLanguages`.
    pub available_languages: Vec<String>,
    /// Whether the file has a `dependsOn` section.
    pub has_depends_on: bool,
    /// Whether the file has an `IT` (or deprecated `it`) country section.
    pub has_country_section: bool,
}
