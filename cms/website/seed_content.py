"""The demo site's text in the six languages (really in each language and script).

Each item holds one dict of fields per language, with the same fields and the same shape in every
language: the seeder builds the French pages from ``fr`` and gives wagtail-localize, for each
French segment (a field, a paragraph, a list item, a question), the same place's text in each
other language (``seed.segment_translations``). A list of strings is rich text, one paragraph
each; a list inside it is a bulleted list.
"""

LANGS = ["fr", "en", "ru", "uk", "hy", "es"]

HOME = {
    "fr": {
        "title": "Accueil",
        "hero_title": "Dermatologie médicale et esthétique à Paris",
        "hero_text": "Des dermatologues qui prennent le temps : diagnostic, suivi et soins de la peau, des cheveux "
                     "et des ongles, pour toute la famille.",
        "hero_image_alt": "Salle d'attente lumineuse de la clinique, avec un banc et l'accueil",
        "body": [
            "Notre clinique réunit trois dermatologues et une infirmière au cœur du 6e arrondissement. Nous "
            "recevons sur rendez-vous, du lundi au samedi matin, et gardons chaque jour des créneaux pour les "
            "urgences cutanées.",
            "Consultation classique, dépistage des cancers de la peau ou traitement laser : chaque soin commence "
            "par un examen et une explication claire de ce que nous vous proposons, de son prix et de ses suites.",
        ],
    },
    "en": {
        "title": "Home",
        "hero_title": "Medical and aesthetic dermatology in Paris",
        "hero_text": "Dermatologists who take their time: diagnosis, follow-up and care of the skin, hair and nails, "
                     "for the whole family.",
        "hero_image_alt": "The clinic's bright waiting room, with a bench and the reception desk",
        "body": [
            "Our clinic brings together three dermatologists and a nurse in the heart of the 6th arrondissement. "
            "We see patients by appointment, from Monday to Saturday morning, and keep slots free every day for "
            "urgent skin problems.",
            "A routine consultation, skin cancer screening or a laser treatment: every visit starts with an "
            "examination and a clear explanation of what we suggest, what it costs and what comes after.",
        ],
    },
    "ru": {
        "title": "Главная",
        "hero_title": "Медицинская и эстетическая дерматология в Париже",
        "hero_text": "Дерматологи, которые не торопятся: диагностика, наблюдение и лечение кожи, волос и ногтей "
                     "для всей семьи.",
        "hero_image_alt": "Светлая приёмная клиники со скамьёй и стойкой регистратуры",
        "body": [
            "В нашей клинике в самом центре 6-го округа работают три дерматолога и медсестра. Мы принимаем по "
            "записи с понедельника по субботу (в субботу до обеда) и каждый день оставляем время для срочных "
            "обращений.",
            "Обычная консультация, скрининг рака кожи или лазерная процедура: каждый визит начинается с осмотра "
            "и понятного объяснения того, что мы предлагаем, сколько это стоит и что будет дальше.",
        ],
    },
    "uk": {
        "title": "Головна",
        "hero_title": "Медична та естетична дерматологія в Парижі",
        "hero_text": "Дерматологи, які не поспішають: діагностика, спостереження та лікування шкіри, волосся "
                     "й нігтів для всієї родини.",
        "hero_image_alt": "Світла приймальня клініки з лавою та стійкою реєстратури",
        "body": [
            "У нашій клініці в самому серці 6-го округу працюють три дерматологи та медсестра. Ми приймаємо за "
            "записом з понеділка до суботи (у суботу до обіду) і щодня залишаємо час для термінових звернень.",
            "Звичайна консультація, скринінг раку шкіри чи лазерна процедура: кожен візит починається з огляду "
            "та зрозумілого пояснення того, що ми пропонуємо, скільки це коштує і що буде далі.",
        ],
    },
    "hy": {
        "title": "Գլխավոր",
        "hero_title": "Բժշկական և գեղագիտական մաշկաբանություն Փարիզում",
        "hero_text": "Մաշկաբաններ, ովքեր չեն շտապում․ մաշկի, մազերի և եղունգների ախտորոշում, հսկողություն "
                     "և բուժում ամբողջ ընտանիքի համար։",
        "hero_image_alt": "Կլինիկայի լուսավոր սպասասրահը՝ նստարանով և ընդունարանով",
        "body": [
            "Մեր կլինիկայում՝ Փարիզի 6-րդ թաղամասի սրտում, աշխատում են երեք մաշկաբան և մեկ բուժքույր։ "
            "Ընդունելությունը նախնական գրանցմամբ է՝ երկուշաբթիից շաբաթ (շաբաթ օրը՝ մինչև կեսօր), և ամեն օր "
            "ժամանակ ենք պահում մաշկի հրատապ խնդիրների համար։",
            "Սովորական խորհրդատվություն, մաշկի քաղցկեղի սքրինինգ, թե լազերային բուժում՝ յուրաքանչյուր այց "
            "սկսվում է զննումով և պարզ բացատրությամբ՝ ինչ ենք առաջարկում, որքան արժե և ինչ է լինելու հետո։",
        ],
    },
    "es": {
        "title": "Inicio",
        "hero_title": "Dermatología médica y estética en París",
        "hero_text": "Dermatólogos que se toman su tiempo: diagnóstico, seguimiento y cuidado de la piel, el cabello "
                     "y las uñas, para toda la familia.",
        "hero_image_alt": "La luminosa sala de espera de la clínica, con un banco y la recepción",
        "body": [
            "Nuestra clínica reúne a tres dermatólogos y una enfermera en pleno distrito 6. Atendemos con cita "
            "previa, de lunes a sábado por la mañana, y cada día reservamos huecos para las urgencias de la piel.",
            "Una consulta habitual, la detección del cáncer de piel o un tratamiento láser: cada visita empieza "
            "con un examen y una explicación clara de lo que le proponemos, de su precio y de lo que vendrá "
            "después.",
        ],
    },
}

ABOUT = {
    "fr": {"title": "À propos", "introduction": "Une clinique de dermatologie indépendante depuis 2009.",
           "body": ["Nous avons ouvert la clinique pour soigner la peau comme nous aimerions être soignés : sans "
                    "précipitation, avec des explications et un suivi par le même médecin.",
                    "Nos dermatologues sont conventionnés secteur 2. Nous acceptons la carte Vitale et le tiers "
                    "payant pour la part remboursée par l'Assurance maladie."]},
    "en": {"title": "About us", "introduction": "An independent dermatology clinic since 2009.",
           "body": ["We opened the clinic to care for skin the way we would like to be cared for: without rushing, "
                    "with explanations and follow-up by the same doctor.",
                    "Our dermatologists work within the French health insurance system (sector 2). We accept the "
                    "Carte Vitale and direct billing for the part covered by the Assurance maladie."]},
    "ru": {"title": "О нас", "introduction": "Независимая дерматологическая клиника с 2009 года.",
           "body": ["Мы открыли клинику, чтобы лечить кожу так, как хотели бы, чтобы лечили нас: без спешки, "
                    "с объяснениями и наблюдением у одного и того же врача.",
                    "Наши дерматологи работают в системе французского медицинского страхования (сектор 2). Мы "
                    "принимаем карту Vitale и прямую оплату части, возмещаемой страховкой."]},
    "uk": {"title": "Про нас", "introduction": "Незалежна дерматологічна клініка з 2009 року.",
           "body": ["Ми відкрили клініку, щоб лікувати шкіру так, як хотіли б, щоб лікували нас: без поспіху, "
                    "з поясненнями та спостереженням у того самого лікаря.",
                    "Наші дерматологи працюють у системі французького медичного страхування (сектор 2). Ми "
                    "приймаємо картку Vitale та пряму оплату частини, що відшкодовується страховкою."]},
    "hy": {"title": "Մեր մասին", "introduction": "Անկախ մաշկաբանական կլինիկա՝ 2009 թվականից։",
           "body": ["Մենք բացեցինք կլինիկան, որպեսզի մաշկը բուժենք այնպես, ինչպես կցանկանայինք, որ մեզ "
                    "բուժեին՝ առանց շտապելու, բացատրություններով և նույն բժշկի հսկողությամբ։",
                    "Մեր մաշկաբաններն աշխատում են Ֆրանսիայի բժշկական ապահովագրության համակարգում (2-րդ "
                    "սեկտոր)։ Մենք ընդունում ենք Vitale քարտը և ապահովագրությամբ փոխհատուցվող մասի ուղղակի "
                    "վճարումը։"]},
    "es": {"title": "Quiénes somos", "introduction": "Una clínica dermatológica independiente desde 2009.",
           "body": ["Abrimos la clínica para cuidar la piel como nos gustaría que nos cuidaran: sin prisas, con "
                    "explicaciones y con el seguimiento del mismo médico.",
                    "Nuestros dermatólogos trabajan dentro del sistema público francés (sector 2). Aceptamos la "
                    "Carte Vitale y el pago directo de la parte que reembolsa el Seguro de Enfermedad."]},
}

SERVICES_INDEX = {
    "fr": {"title": "Nos soins", "introduction": "Consultations et traitements proposés à la clinique."},
    "en": {"title": "Our services", "introduction": "Consultations and treatments offered at the clinic."},
    "ru": {"title": "Наши услуги", "introduction": "Консультации и процедуры в нашей клинике."},
    "uk": {"title": "Наші послуги", "introduction": "Консультації та процедури в нашій клініці."},
    "hy": {"title": "Մեր ծառայությունները", "introduction": "Խորհրդատվություններ և բուժումներ մեր կլինիկայում։"},
    "es": {"title": "Nuestros servicios", "introduction": "Consultas y tratamientos que ofrece la clínica."},
}

TEAM_PAGE = {
    "fr": {"title": "L'équipe", "introduction": "Des médecins et une infirmière à votre écoute."},
    "en": {"title": "Our team", "introduction": "Doctors and a nurse who listen to you."},
    "ru": {"title": "Наша команда", "introduction": "Врачи и медсестра, которые вас выслушают."},
    "uk": {"title": "Наша команда", "introduction": "Лікарі та медсестра, які вас вислухають."},
    "hy": {"title": "Մեր թիմը", "introduction": "Բժիշկներ և բուժքույր, ովքեր լսում են ձեզ։"},
    "es": {"title": "Nuestro equipo", "introduction": "Médicos y una enfermera que le escuchan."},
}

BLOG_INDEX = {
    "fr": {"title": "Conseils", "introduction": "Les conseils de nos dermatologues, pour tous les jours."},
    "en": {"title": "Advice", "introduction": "Everyday advice from our dermatologists."},
    "ru": {"title": "Советы", "introduction": "Советы наших дерматологов на каждый день."},
    "uk": {"title": "Поради", "introduction": "Поради наших дерматологів на кожен день."},
    "hy": {"title": "Խորհուրդներ", "introduction": "Մեր մաշկաբանների խորհուրդները ամեն օրվա համար։"},
    "es": {"title": "Consejos", "introduction": "Consejos de nuestros dermatólogos para el día a día."},
}

CONTACT = {
    "fr": {"title": "Contact", "introduction": "Écrivez-nous ou demandez un rendez-vous : nous vous répondons "
                                               "sous 48 heures ouvrées.",
           "thank_you_text": "Merci, nous vous répondrons rapidement."},
    "en": {"title": "Contact", "introduction": "Write to us or ask for an appointment: we reply within two "
                                               "working days.",
           "thank_you_text": "Thank you, we will reply soon."},
    "ru": {"title": "Контакты", "introduction": "Напишите нам или запишитесь на приём: мы ответим в течение двух "
                                                "рабочих дней.",
           "thank_you_text": "Спасибо, мы скоро ответим."},
    "uk": {"title": "Контакти", "introduction": "Напишіть нам або запишіться на прийом: ми відповімо протягом "
                                                "двох робочих днів.",
           "thank_you_text": "Дякуємо, ми скоро відповімо."},
    "hy": {"title": "Կապ", "introduction": "Գրեք մեզ կամ գրանցվեք ընդունելության․ մենք կպատասխանենք երկու "
                                           "աշխատանքային օրվա ընթացքում։",
           "thank_you_text": "Շնորհակալություն, մենք շուտով կպատասխանենք։"},
    "es": {"title": "Contacto", "introduction": "Escríbanos o pida una cita: respondemos en dos días laborables.",
           "thank_you_text": "Gracias, le responderemos pronto."},
}

PROMOTIONS_INDEX = {
    "fr": {"title": "Offres du moment", "introduction": "Les offres en cours et à venir de la clinique."},
    "en": {"title": "Current offers", "introduction": "The clinic's current and upcoming offers."},
    "ru": {"title": "Акции", "introduction": "Текущие и будущие акции клиники."},
    "uk": {"title": "Акції", "introduction": "Поточні та майбутні акції клініки."},
    "hy": {"title": "Ակցիաներ", "introduction": "Կլինիկայի ընթացիկ և սպասվող առաջարկները։"},
    "es": {"title": "Ofertas", "introduction": "Las ofertas actuales y próximas de la clínica."},
}

PROMOTION = {
    "fr": {"title": "Mois du dépistage",
           "content": ["Ce mois-ci, l'examen complet des grains de beauté est à <b>50 €</b> au lieu de 60 €.",
                       "Prenez rendez-vous en ligne ou par téléphone : l'offre vaut pour toute consultation de "
                       "dépistage réalisée avant la fin du mois."],
           "image_alt": "Calendrier avec un jour entouré et une loupe posée sur un grain de beauté"},
    "en": {"title": "Screening month",
           "content": ["This month, a full mole check costs <b>€50</b> instead of €60.",
                       "Book online or by phone: the offer applies to every screening consultation held before the "
                       "end of the month."],
           "image_alt": "A calendar with one day marked and a magnifying glass over a mole"},
    "ru": {"title": "Месяц скрининга",
           "content": ["В этом месяце полный осмотр родинок стоит <b>50 €</b> вместо 60 €.",
                       "Запишитесь онлайн или по телефону: предложение действует для всех консультаций по "
                       "скринингу до конца месяца."],
           "image_alt": "Календарь с отмеченным днём и лупа над родинкой"},
    "uk": {"title": "Місяць скринінгу",
           "content": ["Цього місяця повний огляд родимок коштує <b>50 €</b> замість 60 €.",
                       "Запишіться онлайн або телефоном: пропозиція діє для всіх консультацій зі скринінгу до "
                       "кінця місяця."],
           "image_alt": "Календар із позначеним днем і лупа над родимкою"},
    "hy": {"title": "Սքրինինգի ամիս",
           "content": ["Այս ամիս խալերի ամբողջական զննումն արժե <b>50 €</b>՝ 60 €-ի փոխարեն։",
                       "Գրանցվեք առցանց կամ հեռախոսով․ առաջարկը գործում է մինչև ամսվա վերջն անցկացվող բոլոր "
                       "սքրինինգային խորհրդատվությունների համար։"],
           "image_alt": "Օրացույց՝ նշված օրով, և խոշորացույց խալի վրա"},
    "es": {"title": "Mes de la detección",
           "content": ["Este mes, la revisión completa de lunares cuesta <b>50 €</b> en lugar de 60 €.",
                       "Pida cita por internet o por teléfono: la oferta vale para toda consulta de detección "
                       "realizada antes de fin de mes."],
           "image_alt": "Un calendario con un día marcado y una lupa sobre un lunar"},
}

SERVICES = [
    {"slug": "medical-dermatology", "order": 1, "image": "medical-dermatology", "text": {
        "fr": {
            "title": "Dermatologie médicale",
            "summary": "Acné, eczéma, psoriasis, chute de cheveux, ongles : le diagnostic et le traitement des "
                       "maladies de la peau.",
            "image_alt": "Une dermatologue reçoit une patiente en consultation",
            "price_hint": "Consultation à partir de 60 €, remboursée par l'Assurance maladie",
            "description": [
                "La consultation de dermatologie médicale s'adresse à toute personne, enfant ou adulte, qui "
                "présente un problème de peau, de cuir chevelu, de cheveux ou d'ongles.",
                "Le dermatologue vous interroge, examine la zone concernée et, si besoin, toute la peau. Il vous "
                "explique ce qu'il observe et vous remet une ordonnance et un compte rendu écrit.",
            ],
            "indications": [
                "Consultez notamment pour :",
                ["une acné qui ne passe pas ou laisse des cicatrices ;",
                 "un eczéma, un psoriasis ou des démangeaisons qui durent ;",
                 "une chute de cheveux ou des ongles abîmés ;",
                 "une lésion qui change d'aspect ou qui saigne."],
            ],
            "procedure": [
                "Prévoyez trente minutes. Apportez vos ordonnances récentes et les photos de votre peau si le "
                "problème va et vient.",
                "Un prélèvement ou une biopsie peuvent être faits le jour même, sous anesthésie locale. Le résultat "
                "vous est communiqué sous quinze jours, par téléphone ou lors d'une consultation de suivi.",
            ],
            "faq": [
                ("Faut-il être adressé par mon médecin traitant ?",
                 ["Non pour les moins de 26 ans et pour l'acné, l'eczéma ou le suivi des grains de beauté : "
                  "l'accès direct est remboursé.",
                  "Dans les autres cas, une lettre de votre médecin traitant vous garantit le meilleur "
                  "remboursement."]),
                ("Puis-je venir avec mon enfant ?",
                 ["Oui, nous recevons les enfants dès la naissance, accompagnés d'un parent."]),
            ],
        },
        "en": {
            "title": "Medical dermatology",
            "summary": "Acne, eczema, psoriasis, hair loss, nails: diagnosing and treating skin diseases.",
            "image_alt": "A dermatologist sees a patient for a consultation",
            "price_hint": "Consultation from €60, covered by the French health insurance",
            "description": [
                "A medical dermatology consultation is for anyone, child or adult, with a problem of the skin, "
                "scalp, hair or nails.",
                "The dermatologist asks you questions, examines the area and, if needed, your whole skin. They "
                "explain what they see and give you a prescription and a written report.",
            ],
            "indications": [
                "Come and see us in particular for:",
                ["acne that does not go away or leaves scars;",
                 "eczema, psoriasis or lasting itching;",
                 "hair loss or damaged nails;",
                 "a spot that changes or bleeds."],
            ],
            "procedure": [
                "Allow thirty minutes. Bring your recent prescriptions, and photos of your skin if the problem "
                "comes and goes.",
                "A sample or a biopsy can be taken the same day, under local anaesthetic. You get the result "
                "within two weeks, by phone or at a follow-up visit.",
            ],
            "faq": [
                ("Do I need a referral from my GP?",
                 ["Not if you are under 26, nor for acne, eczema or mole follow-up: direct access is covered.",
                  "In other cases, a letter from your GP gives you the best reimbursement."]),
                ("Can I bring my child?",
                 ["Yes, we see children from birth, with a parent."]),
            ],
        },
        "ru": {
            "title": "Медицинская дерматология",
            "summary": "Акне, экзема, псориаз, выпадение волос, ногти: диагностика и лечение болезней кожи.",
            "image_alt": "Дерматолог принимает пациентку на консультации",
            "price_hint": "Консультация от 60 €, возмещается медицинской страховкой",
            "description": [
                "Консультация медицинского дерматолога нужна всем, у кого есть проблема с кожей, кожей головы, "
                "волосами или ногтями, — детям и взрослым.",
                "Дерматолог расспрашивает вас, осматривает проблемную зону и при необходимости всю кожу. Он "
                "объясняет, что видит, и выдаёт рецепт и письменное заключение.",
            ],
            "indications": [
                "Обращайтесь, в частности, если у вас:",
                ["акне, которое не проходит или оставляет рубцы;",
                 "экзема, псориаз или долгий зуд;",
                 "выпадение волос или повреждённые ногти;",
                 "образование на коже, которое меняется или кровоточит."],
            ],
            "procedure": [
                "Приём длится около тридцати минут. Возьмите с собой недавние рецепты и фотографии кожи, если "
                "проблема то появляется, то исчезает.",
                "Мазок или биопсию можно сделать в тот же день под местной анестезией. Результат вы получите "
                "в течение двух недель по телефону или на повторном приёме.",
            ],
            "faq": [
                ("Нужно ли направление от лечащего врача?",
                 ["Нет, если вам меньше 26 лет, а также при акне, экземе и наблюдении родинок: прямое обращение "
                  "возмещается.",
                  "В остальных случаях письмо от лечащего врача обеспечит вам лучшее возмещение."]),
                ("Можно ли прийти с ребёнком?",
                 ["Да, мы принимаем детей с рождения в сопровождении одного из родителей."]),
            ],
        },
        "uk": {
            "title": "Медична дерматологія",
            "summary": "Акне, екзема, псоріаз, випадіння волосся, нігті: діагностика та лікування хвороб шкіри.",
            "image_alt": "Дерматологиня приймає пацієнтку на консультації",
            "price_hint": "Консультація від 60 €, відшкодовується медичним страхуванням",
            "description": [
                "Консультація медичного дерматолога потрібна всім, хто має проблему зі шкірою, шкірою голови, "
                "волоссям чи нігтями, — дітям і дорослим.",
                "Дерматолог розпитує вас, оглядає проблемну ділянку і за потреби всю шкіру. Він пояснює, що "
                "бачить, і видає рецепт та письмовий висновок.",
            ],
            "indications": [
                "Звертайтеся, зокрема, якщо у вас:",
                ["акне, яке не минає або залишає рубці;",
                 "екзема, псоріаз чи тривалий свербіж;",
                 "випадіння волосся або пошкоджені нігті;",
                 "утворення на шкірі, яке змінюється чи кровить."],
            ],
            "procedure": [
                "Прийом триває близько тридцяти хвилин. Візьміть із собою нещодавні рецепти та фото шкіри, якщо "
                "проблема то з'являється, то зникає.",
                "Мазок або біопсію можна зробити того ж дня під місцевою анестезією. Результат ви отримаєте "
                "протягом двох тижнів телефоном або на повторному прийомі.",
            ],
            "faq": [
                ("Чи потрібне направлення від сімейного лікаря?",
                 ["Ні, якщо вам менше 26 років, а також при акне, екземі та спостереженні родимок: пряме "
                  "звернення відшкодовується.",
                  "В інших випадках лист від сімейного лікаря забезпечить вам найкраще відшкодування."]),
                ("Чи можна прийти з дитиною?",
                 ["Так, ми приймаємо дітей від народження в супроводі одного з батьків."]),
            ],
        },
        "hy": {
            "title": "Բժշկական մաշկաբանություն",
            "summary": "Պզուկներ, էկզեմա, պսորիազ, մազաթափություն, եղունգներ․ մաշկի հիվանդությունների "
                       "ախտորոշում և բուժում։",
            "image_alt": "Մաշկաբանը խորհրդատվության է ընդունում հիվանդին",
            "price_hint": "Խորհրդատվություն՝ 60 €-ից, փոխհատուցվում է բժշկական ապահովագրությամբ",
            "description": [
                "Բժշկական մաշկաբանի խորհրդատվությունը նախատեսված է բոլորի համար՝ երեխաների և մեծահասակների, "
                "ովքեր խնդիր ունեն մաշկի, գլխամաշկի, մազերի կամ եղունգների հետ։",
                "Մաշկաբանը հարցեր է տալիս, զննում է խնդրահարույց հատվածը, իսկ անհրաժեշտության դեպքում՝ ամբողջ "
                "մաշկը։ Նա բացատրում է, թե ինչ է տեսնում, և տալիս է դեղատոմս ու գրավոր եզրակացություն։",
            ],
            "indications": [
                "Դիմեք մասնավորապես, եթե ունեք․",
                ["պզուկներ, որոնք չեն անցնում կամ սպիներ են թողնում,",
                 "էկզեմա, պսորիազ կամ երկարատև քոր,",
                 "մազաթափություն կամ վնասված եղունգներ,",
                 "մաշկի գոյացություն, որը փոխվում է կամ արյունահոսում։"],
            ],
            "procedure": [
                "Ընդունելությունը տևում է մոտ երեսուն րոպե։ Վերցրեք ձեր վերջին դեղատոմսերը և մաշկի "
                "լուսանկարները, եթե խնդիրը մերթ հայտնվում է, մերթ անհետանում։",
                "Քսուք կամ բիոպսիա կարելի է վերցնել նույն օրը՝ տեղային անզգայացմամբ։ Արդյունքը կստանաք երկու "
                "շաբաթվա ընթացքում՝ հեռախոսով կամ կրկնակի այցի ժամանակ։",
            ],
            "faq": [
                ("Արդյո՞ք պետք է ուղեգիր ընտանեկան բժշկից։",
                 ["Ոչ, եթե 26 տարեկանից փոքր եք, ինչպես նաև պզուկների, էկզեմայի և խալերի հսկողության դեպքում․ "
                  "ուղղակի դիմումը փոխհատուցվում է։",
                  "Մյուս դեպքերում ընտանեկան բժշկի նամակը ձեզ կապահովի լավագույն փոխհատուցումը։"]),
                ("Կարո՞ղ եմ գալ երեխայիս հետ։",
                 ["Այո, մենք ընդունում ենք երեխաներին ծննդից՝ ծնողներից մեկի ուղեկցությամբ։"]),
            ],
        },
        "es": {
            "title": "Dermatología médica",
            "summary": "Acné, eccema, psoriasis, caída del cabello, uñas: diagnóstico y tratamiento de las "
                       "enfermedades de la piel.",
            "image_alt": "Una dermatóloga atiende a una paciente en consulta",
            "price_hint": "Consulta desde 60 €, reembolsada por el seguro médico francés",
            "description": [
                "La consulta de dermatología médica es para cualquier persona, niño o adulto, con un problema de "
                "piel, cuero cabelludo, cabello o uñas.",
                "El dermatólogo le pregunta, examina la zona afectada y, si hace falta, toda la piel. Le explica lo "
                "que observa y le entrega una receta y un informe por escrito.",
            ],
            "indications": [
                "Consulte sobre todo por:",
                ["un acné que no desaparece o deja cicatrices;",
                 "un eccema, una psoriasis o un picor que dura;",
                 "una caída del cabello o uñas dañadas;",
                 "una lesión que cambia de aspecto o sangra."],
            ],
            "procedure": [
                "Cuente con treinta minutos. Traiga sus recetas recientes y fotos de su piel si el problema va y "
                "viene.",
                "Se puede tomar una muestra o hacer una biopsia el mismo día, con anestesia local. Recibirá el "
                "resultado en quince días, por teléfono o en una consulta de seguimiento.",
            ],
            "faq": [
                ("¿Necesito que me derive mi médico de cabecera?",
                 ["No si tiene menos de 26 años, ni para el acné, el eccema o el control de lunares: el acceso "
                  "directo se reembolsa.",
                  "En los demás casos, una carta de su médico de cabecera le garantiza el mejor reembolso."]),
                ("¿Puedo venir con mi hijo?",
                 ["Sí, atendemos a niños desde el nacimiento, acompañados de uno de sus padres."]),
            ],
        },
    }},
    {"slug": "laser-treatments", "order": 2, "image": "laser-treatments", "text": {
        "fr": {
            "title": "Traitements laser",
            "summary": "Taches brunes, rougeurs, couperose, cicatrices et épilation, par des dermatologues.",
            "image_alt": "Appareil laser médical dont la pièce à main traite une petite zone de peau",
            "price_hint": "Sur devis, après une consultation d'évaluation à 60 €",
            "description": [
                "Nos lasers médicaux traitent les taches pigmentaires, les petits vaisseaux du visage, certaines "
                "cicatrices d'acné et les poils indésirables.",
                "Chaque traitement est décidé et réalisé par un dermatologue, après un examen de votre peau : "
                "certaines taches ne doivent jamais être traitées au laser sans diagnostic.",
            ],
            "indications": [
                "Le laser est indiqué pour :",
                ["les taches solaires et le lentigo ;",
                 "la couperose et les rougeurs diffuses ;",
                 "les cicatrices d'acné en creux ;",
                 "l'épilation durable des poils foncés."],
            ],
            "procedure": [
                "La première consultation sert à examiner votre peau, choisir le laser et vous remettre un devis. "
                "Une séance dure de quinze à quarante-cinq minutes ; une crème anesthésiante peut être appliquée "
                "une heure avant.",
                "Après la séance, la peau peut rester rouge quelques jours. Évitez le soleil un mois avant et "
                "après, et protégez la zone avec un écran d'indice 50.",
            ],
            "faq": [
                ("Combien de séances faut-il ?",
                 ["Une à trois séances pour les taches, trois à six pour la couperose, six à huit pour "
                  "l'épilation, espacées de quatre à huit semaines."]),
                ("Le laser est-il remboursé ?",
                 ["Non, sauf rares indications médicales comme certains angiomes.",
                  "Le devis remis lors de la consultation indique le prix total, séances comprises."]),
            ],
        },
        "en": {
            "title": "Laser treatments",
            "summary": "Dark spots, redness, thread veins, scars and hair removal, by dermatologists.",
            "image_alt": "A medical laser whose handpiece treats a small area of skin",
            "price_hint": "On quotation, after an assessment consultation at €60",
            "description": [
                "Our medical lasers treat pigment spots, small blood vessels of the face, some acne scars and "
                "unwanted hair.",
                "Every treatment is decided and carried out by a dermatologist, after examining your skin: some "
                "spots must never be treated with a laser without a diagnosis.",
            ],
            "indications": [
                "Laser treatment is suited to:",
                ["sun spots and lentigo;",
                 "thread veins and diffuse redness;",
                 "sunken acne scars;",
                 "long-lasting removal of dark hair."],
            ],
            "procedure": [
                "The first consultation is used to examine your skin, choose the laser and give you a quotation. "
                "A session lasts fifteen to forty-five minutes; an anaesthetic cream can be applied an hour "
                "before.",
                "After the session, the skin may stay red for a few days. Avoid the sun for a month before and "
                "after, and protect the area with SPF 50 sunscreen.",
            ],
            "faq": [
                ("How many sessions are needed?",
                 ["One to three sessions for spots, three to six for thread veins, six to eight for hair "
                  "removal, four to eight weeks apart."]),
                ("Is laser treatment reimbursed?",
                 ["No, except for rare medical reasons such as some angiomas.",
                  "The quotation given at the consultation shows the total price, sessions included."]),
            ],
        },
        "ru": {
            "title": "Лазерные процедуры",
            "summary": "Пигментные пятна, покраснения, купероз, рубцы и эпиляция в руках дерматологов.",
            "image_alt": "Медицинский лазер, насадка которого обрабатывает небольшой участок кожи",
            "price_hint": "По смете, после консультации-оценки за 60 €",
            "description": [
                "Наши медицинские лазеры убирают пигментные пятна, мелкие сосуды на лице, некоторые рубцы "
                "после акне и нежелательные волосы.",
                "Каждую процедуру назначает и проводит дерматолог после осмотра кожи: некоторые пятна нельзя "
                "обрабатывать лазером без диагноза.",
            ],
            "indications": [
                "Лазер показан при:",
                ["солнечных пятнах и лентиго;",
                 "куперозе и разлитых покраснениях;",
                 "атрофических рубцах после акне;",
                 "стойком удалении тёмных волос."],
            ],
            "procedure": [
                "На первой консультации врач осматривает кожу, выбирает лазер и составляет смету. Сеанс длится "
                "от пятнадцати до сорока пяти минут; за час до него можно нанести обезболивающий крем.",
                "После сеанса кожа может оставаться красной несколько дней. Избегайте солнца за месяц до и после "
                "процедуры и защищайте зону кремом SPF 50.",
            ],
            "faq": [
                ("Сколько нужно сеансов?",
                 ["От одного до трёх при пятнах, от трёх до шести при куперозе, от шести до восьми при "
                  "эпиляции, с перерывом от четырёх до восьми недель."]),
                ("Возмещается ли лазер страховкой?",
                 ["Нет, за исключением редких медицинских показаний, например некоторых ангиом.",
                  "В смете, выданной на консультации, указана полная стоимость со всеми сеансами."]),
            ],
        },
        "uk": {
            "title": "Лазерні процедури",
            "summary": "Пігментні плями, почервоніння, купероз, рубці та епіляція в руках дерматологів.",
            "image_alt": "Медичний лазер, насадка якого обробляє невелику ділянку шкіри",
            "price_hint": "За кошторисом, після консультації-оцінки за 60 €",
            "description": [
                "Наші медичні лазери прибирають пігментні плями, дрібні судини на обличчі, деякі рубці після "
                "акне та небажане волосся.",
                "Кожну процедуру призначає і проводить дерматолог після огляду шкіри: деякі плями не можна "
                "обробляти лазером без діагнозу.",
            ],
            "indications": [
                "Лазер показаний при:",
                ["сонячних плямах і лентиго;",
                 "куперозі та розлитих почервоніннях;",
                 "атрофічних рубцях після акне;",
                 "стійкому видаленні темного волосся."],
            ],
            "procedure": [
                "На першій консультації лікар оглядає шкіру, обирає лазер і складає кошторис. Сеанс триває від "
                "п'ятнадцяти до сорока п'яти хвилин; за годину до нього можна нанести знеболювальний крем.",
                "Після сеансу шкіра може залишатися червоною кілька днів. Уникайте сонця за місяць до і після "
                "процедури та захищайте ділянку кремом SPF 50.",
            ],
            "faq": [
                ("Скільки потрібно сеансів?",
                 ["Від одного до трьох при плямах, від трьох до шести при куперозі, від шести до восьми при "
                  "епіляції, з перервою від чотирьох до восьми тижнів."]),
                ("Чи відшкодовується лазер страховкою?",
                 ["Ні, за винятком рідкісних медичних показань, наприклад деяких ангіом.",
                  "У кошторисі, виданому на консультації, вказано повну вартість з усіма сеансами."]),
            ],
        },
        "hy": {
            "title": "Լազերային բուժումներ",
            "summary": "Գունանյութային բծեր, կարմրություն, կուպերոզ, սպիներ և մազահեռացում՝ մաշկաբանների "
                       "կողմից։",
            "image_alt": "Բժշկական լազեր, որի ծայրակալը մշակում է մաշկի փոքր հատված",
            "price_hint": "Ըստ նախահաշվի՝ 60 € արժողությամբ գնահատման խորհրդատվությունից հետո",
            "description": [
                "Մեր բժշկական լազերները բուժում են գունանյութային բծերը, դեմքի մանր անոթները, պզուկներից մնացած "
                "որոշ սպիներ և անցանկալի մազերը։",
                "Յուրաքանչյուր բուժում որոշում և իրականացնում է մաշկաբանը՝ ձեր մաշկը զննելուց հետո․ որոշ բծեր "
                "երբեք չպետք է լազերով մշակվեն առանց ախտորոշման։",
            ],
            "indications": [
                "Լազերը ցուցված է․",
                ["արևային բծերի և լենտիգոյի դեպքում,",
                 "կուպերոզի և տարածուն կարմրության դեպքում,",
                 "պզուկներից մնացած ներփոս սպիների դեպքում,",
                 "մուգ մազերի երկարատև հեռացման համար։"],
            ],
            "procedure": [
                "Առաջին խորհրդատվության ժամանակ բժիշկը զննում է մաշկը, ընտրում լազերը և կազմում նախահաշիվ։ "
                "Սեանսը տևում է տասնհինգից քառասունհինգ րոպե․ մեկ ժամ առաջ կարելի է քսել ցավազրկող քսուք։",
                "Սեանսից հետո մաշկը կարող է մի քանի օր կարմիր մնալ։ Խուսափեք արևից մեկ ամիս առաջ և հետո, և "
                "պաշտպանեք հատվածը SPF 50 կրեմով։",
            ],
            "faq": [
                ("Քանի՞ սեանս է անհրաժեշտ։",
                 ["Մեկից երեք՝ բծերի, երեքից վեց՝ կուպերոզի, վեցից ութ՝ մազահեռացման դեպքում, չորսից ութ "
                  "շաբաթ ընդմիջումով։"]),
                ("Լազերը փոխհատուցվո՞ւմ է։",
                 ["Ոչ, բացառությամբ հազվադեպ բժշկական ցուցումների, օրինակ՝ որոշ անգիոմաների։",
                  "Խորհրդատվության ժամանակ տրված նախահաշվում նշված է ամբողջական գինը՝ բոլոր սեանսներով։"]),
            ],
        },
        "es": {
            "title": "Tratamientos láser",
            "summary": "Manchas, rojeces, cuperosis, cicatrices y depilación, por dermatólogos.",
            "image_alt": "Un láser médico cuya pieza de mano trata una pequeña zona de piel",
            "price_hint": "Según presupuesto, tras una consulta de valoración de 60 €",
            "description": [
                "Nuestros láseres médicos tratan las manchas pigmentadas, los pequeños vasos de la cara, algunas "
                "cicatrices de acné y el vello no deseado.",
                "Cada tratamiento lo decide y lo realiza un dermatólogo, tras examinar su piel: algunas manchas no "
                "deben tratarse nunca con láser sin un diagnóstico.",
            ],
            "indications": [
                "El láser está indicado para:",
                ["las manchas solares y el léntigo;",
                 "la cuperosis y las rojeces difusas;",
                 "las cicatrices de acné hundidas;",
                 "la depilación duradera del vello oscuro."],
            ],
            "procedure": [
                "La primera consulta sirve para examinar su piel, elegir el láser y darle un presupuesto. Una "
                "sesión dura de quince a cuarenta y cinco minutos; puede aplicarse una crema anestésica una hora "
                "antes.",
                "Después de la sesión, la piel puede quedar roja unos días. Evite el sol un mes antes y después, y "
                "proteja la zona con un protector de factor 50.",
            ],
            "faq": [
                ("¿Cuántas sesiones hacen falta?",
                 ["De una a tres sesiones para las manchas, de tres a seis para la cuperosis y de seis a ocho para "
                  "la depilación, con cuatro a ocho semanas entre ellas."]),
                ("¿Se reembolsa el láser?",
                 ["No, salvo raras indicaciones médicas, como algunos angiomas.",
                  "El presupuesto que se le entrega en la consulta indica el precio total, sesiones incluidas."]),
            ],
        },
    }},
    {"slug": "skin-cancer-screening", "order": 3, "image": "skin-cancer-screening", "text": {
        "fr": {
            "title": "Dépistage des cancers de la peau",
            "summary": "L'examen de tous vos grains de beauté au dermatoscope, avec un suivi photographique.",
            "image_alt": "Dermatoscope posé sur un grain de beauté, et son image agrandie",
            "price_hint": "60 €, remboursé par l'Assurance maladie",
            "description": [
                "Un mélanome découvert tôt se guérit dans la grande majorité des cas. L'examen de dépistage permet "
                "de repérer un grain de beauté suspect avant qu'il ne soit dangereux.",
                "Le dermatologue examine toute votre peau, cuir chevelu et plantes des pieds compris, et observe "
                "chaque lésion douteuse au dermatoscope, une loupe éclairante qui montre ce que l'œil ne voit pas.",
            ],
            "indications": [
                "Un examen par an est conseillé si vous avez :",
                ["plus de cinquante grains de beauté ;",
                 "une peau claire qui brûle facilement au soleil ;",
                 "eu des coups de soleil sévères dans l'enfance ;",
                 "un parent proche ayant eu un mélanome."],
            ],
            "procedure": [
                "Prévoyez vingt minutes et venez sans maquillage ni vernis à ongles. Vous gardez vos sous-vêtements "
                "pendant l'examen.",
                "Si vous avez beaucoup de grains de beauté, nous pouvons les photographier pour comparer d'une "
                "année sur l'autre. Un grain de beauté suspect est retiré sous anesthésie locale, lors d'un second "
                "rendez-vous.",
            ],
            "faq": [
                ("L'examen est-il douloureux ?",
                 ["Non. Le dermatoscope se pose sur la peau sans la piquer ni la chauffer."]),
                ("Entre deux visites, que dois-je surveiller ?",
                 ["Regardez votre peau une fois par trimestre, avec un miroir ou l'aide d'un proche.",
                  "Consultez sans attendre si un grain de beauté change de taille, de forme ou de couleur, ou si "
                  "un nouveau apparaît après quarante ans."]),
            ],
        },
        "en": {
            "title": "Skin cancer screening",
            "summary": "An examination of all your moles with a dermatoscope, with photographic follow-up.",
            "image_alt": "A dermatoscope on a mole, and its magnified image",
            "price_hint": "€60, covered by the French health insurance",
            "description": [
                "A melanoma found early is cured in the great majority of cases. A screening examination spots a "
                "suspicious mole before it becomes dangerous.",
                "The dermatologist examines all your skin, including the scalp and the soles of the feet, and "
                "looks at every doubtful spot with a dermatoscope, a lit magnifier that shows what the eye cannot "
                "see.",
            ],
            "indications": [
                "A yearly check is advised if you have:",
                ["more than fifty moles;",
                 "fair skin that burns easily in the sun;",
                 "had severe sunburns as a child;",
                 "a close relative who has had a melanoma."],
            ],
            "procedure": [
                "Allow twenty minutes and come without make-up or nail varnish. You keep your underwear on during "
                "the examination.",
                "If you have many moles, we can photograph them to compare from one year to the next. A "
                "suspicious mole is removed under local anaesthetic, at a second appointment.",
            ],
            "faq": [
                ("Does the examination hurt?",
                 ["No. The dermatoscope rests on the skin without pricking or heating it."]),
                ("What should I watch between two visits?",
                 ["Look at your skin once every three months, with a mirror or the help of someone close.",
                  "See a doctor without waiting if a mole changes in size, shape or colour, or if a new one "
                  "appears after the age of forty."]),
            ],
        },
        "ru": {
            "title": "Скрининг рака кожи",
            "summary": "Осмотр всех родинок с дерматоскопом и фотоконтроль.",
            "image_alt": "Дерматоскоп на родинке и её увеличенное изображение",
            "price_hint": "60 €, возмещается медицинской страховкой",
            "description": [
                "Меланома, обнаруженная рано, в большинстве случаев излечима. Скрининг позволяет заметить "
                "подозрительную родинку до того, как она станет опасной.",
                "Дерматолог осматривает всю кожу, включая кожу головы и стопы, и изучает каждое сомнительное "
                "образование с дерматоскопом — лупой с подсветкой, которая показывает то, что не видно глазу.",
            ],
            "indications": [
                "Осмотр раз в год рекомендуется, если у вас:",
                ["больше пятидесяти родинок;",
                 "светлая кожа, которая легко сгорает на солнце;",
                 "были сильные солнечные ожоги в детстве;",
                 "у близкого родственника была меланома."],
            ],
            "procedure": [
                "Приём длится около двадцати минут; приходите без макияжа и лака на ногтях. Во время осмотра вы "
                "остаётесь в нижнем белье.",
                "Если родинок много, мы можем их сфотографировать, чтобы сравнивать из года в год. "
                "Подозрительную родинку удаляют под местной анестезией на втором приёме.",
            ],
            "faq": [
                ("Осмотр болезненный?",
                 ["Нет. Дерматоскоп просто прикладывают к коже, он не колет и не нагревает её."]),
                ("На что обращать внимание между визитами?",
                 ["Осматривайте кожу раз в три месяца с помощью зеркала или близкого человека.",
                  "Обращайтесь сразу, если родинка меняет размер, форму или цвет или если новая появилась после "
                  "сорока лет."]),
            ],
        },
        "uk": {
            "title": "Скринінг раку шкіри",
            "summary": "Огляд усіх родимок із дерматоскопом і фотоконтроль.",
            "image_alt": "Дерматоскоп на родимці та її збільшене зображення",
            "price_hint": "60 €, відшкодовується медичним страхуванням",
            "description": [
                "Меланому, виявлену рано, у більшості випадків можна вилікувати. Скринінг дає змогу помітити "
                "підозрілу родимку, перш ніж вона стане небезпечною.",
                "Дерматолог оглядає всю шкіру, зокрема шкіру голови та стопи, і вивчає кожне сумнівне утворення "
                "з дерматоскопом — лупою з підсвіткою, яка показує те, чого не бачить око.",
            ],
            "indications": [
                "Огляд раз на рік рекомендовано, якщо у вас:",
                ["понад п'ятдесят родимок;",
                 "світла шкіра, яка легко обгорає на сонці;",
                 "були сильні сонячні опіки в дитинстві;",
                 "у близького родича була меланома."],
            ],
            "procedure": [
                "Прийом триває близько двадцяти хвилин; приходьте без макіяжу та лаку на нігтях. Під час огляду "
                "ви залишаєтеся в спідній білизні.",
                "Якщо родимок багато, ми можемо їх сфотографувати, щоб порівнювати з року в рік. Підозрілу "
                "родимку видаляють під місцевою анестезією на другому прийомі.",
            ],
            "faq": [
                ("Чи болючий огляд?",
                 ["Ні. Дерматоскоп просто прикладають до шкіри, він не коле і не нагріває її."]),
                ("На що звертати увагу між візитами?",
                 ["Оглядайте шкіру раз на три місяці за допомогою дзеркала або близької людини.",
                  "Звертайтеся одразу, якщо родимка змінює розмір, форму чи колір або якщо нова з'явилася після "
                  "сорока років."]),
            ],
        },
        "hy": {
            "title": "Մաշկի քաղցկեղի սքրինինգ",
            "summary": "Ձեր բոլոր խալերի զննում դերմատոսկոպով և լուսանկարային հսկողություն։",
            "image_alt": "Դերմատոսկոպ խալի վրա և դրա խոշորացված պատկերը",
            "price_hint": "60 €, փոխհատուցվում է բժշկական ապահովագրությամբ",
            "description": [
                "Վաղ հայտնաբերված մելանոման դեպքերի ճնշող մեծամասնությունում բուժելի է։ Սքրինինգը թույլ է "
                "տալիս նկատել կասկածելի խալը, նախքան այն վտանգավոր դառնալը։",
                "Մաշկաբանը զննում է ամբողջ մաշկը՝ ներառյալ գլխամաշկը և ոտնաթաթերը, և յուրաքանչյուր կասկածելի "
                "գոյացություն դիտում է դերմատոսկոպով՝ լուսավորված խոշորացույցով, որը ցույց է տալիս այն, ինչ "
                "աչքը չի տեսնում։",
            ],
            "indications": [
                "Տարեկան մեկ զննում խորհուրդ է տրվում, եթե ունեք․",
                ["հիսունից ավելի խալ,",
                 "բաց գույնի մաշկ, որը արևից հեշտությամբ այրվում է,",
                 "մանկության տարիներին ստացած ուժեղ արևայրուքներ,",
                 "մոտ ազգական, ով մելանոմա է ունեցել։"],
            ],
            "procedure": [
                "Ընդունելությունը տևում է մոտ քսան րոպե․ եկեք առանց դիմահարդարանքի և եղունգների լաքի։ Զննման "
                "ժամանակ մնում եք ներքնազգեստով։",
                "Եթե շատ խալեր ունեք, կարող ենք լուսանկարել դրանք՝ տարեցտարի համեմատելու համար։ Կասկածելի "
                "խալը հեռացվում է տեղային անզգայացմամբ՝ երկրորդ այցի ժամանակ։",
            ],
            "faq": [
                ("Զննումը ցավո՞տ է։",
                 ["Ոչ։ Դերմատոսկոպը պարզապես դրվում է մաշկին՝ առանց ծակելու կամ տաքացնելու։"]),
                ("Ինչի՞ն հետևել երկու այցերի միջև։",
                 ["Երեք ամիսը մեկ զննեք ձեր մաշկը հայելու կամ մտերիմ մարդու օգնությամբ։",
                  "Անմիջապես դիմեք բժշկի, եթե խալը փոխում է չափը, ձևը կամ գույնը, կամ եթե քառասուն տարեկանից "
                  "հետո նոր խալ է հայտնվել։"]),
            ],
        },
        "es": {
            "title": "Detección del cáncer de piel",
            "summary": "La revisión de todos sus lunares con dermatoscopio, con seguimiento fotográfico.",
            "image_alt": "Un dermatoscopio sobre un lunar y su imagen ampliada",
            "price_hint": "60 €, reembolsado por el seguro médico francés",
            "description": [
                "Un melanoma descubierto a tiempo se cura en la gran mayoría de los casos. La revisión permite "
                "detectar un lunar sospechoso antes de que sea peligroso.",
                "El dermatólogo examina toda su piel, incluidos el cuero cabelludo y las plantas de los pies, y "
                "observa cada lesión dudosa con el dermatoscopio, una lupa con luz que muestra lo que el ojo no ve.",
            ],
            "indications": [
                "Se aconseja una revisión al año si tiene:",
                ["más de cincuenta lunares;",
                 "la piel clara y se quema fácilmente al sol;",
                 "quemaduras solares graves en la infancia;",
                 "un familiar cercano que ha tenido un melanoma."],
            ],
            "procedure": [
                "Cuente con veinte minutos y venga sin maquillaje ni esmalte de uñas. Durante el examen se queda "
                "en ropa interior.",
                "Si tiene muchos lunares, podemos fotografiarlos para compararlos de un año a otro. Un lunar "
                "sospechoso se extirpa con anestesia local en una segunda cita.",
            ],
            "faq": [
                ("¿Duele la revisión?",
                 ["No. El dermatoscopio se apoya sobre la piel sin pincharla ni calentarla."]),
                ("¿Qué debo vigilar entre dos visitas?",
                 ["Mire su piel una vez cada tres meses, con un espejo o con ayuda de alguien cercano.",
                  "Consulte sin esperar si un lunar cambia de tamaño, forma o color, o si aparece uno nuevo "
                  "después de los cuarenta años."]),
            ],
        },
    }},
]

STAFF = [  # key (its portrait), order, physician?, {lang: fields}
    ("claire-dubois", 1, True, {
        "fr": {"name": "Dr Claire Dubois", "role": "Dermatologue, dépistage des cancers de la peau",
               "photo_alt": "Portrait dessiné du docteur Claire Dubois, en blouse blanche",
               "bio": "Ancienne cheffe de clinique à l'hôpital Saint-Louis, Claire Dubois a fondé la clinique en "
                      "2009.\n\nElle suit les patients à risque de mélanome et organise chaque année nos journées "
                      "de dépistage gratuit."},
        "en": {"name": "Dr Claire Dubois", "role": "Dermatologist, skin cancer screening",
               "photo_alt": "Drawn portrait of Dr Claire Dubois, in a white coat",
               "bio": "A former senior registrar at the Saint-Louis hospital, Claire Dubois founded the clinic in "
                      "2009.\n\nShe follows patients at risk of melanoma and organises our free screening days "
                      "every year."},
        "ru": {"name": "Д-р Клер Дюбуа", "role": "Дерматолог, скрининг рака кожи",
               "photo_alt": "Нарисованный портрет доктора Клер Дюбуа в белом халате",
               "bio": "Бывший старший врач больницы Сен-Луи, Клер Дюбуа основала клинику в 2009 году.\n\nОна "
                      "наблюдает пациентов с риском меланомы и каждый год организует наши дни бесплатного "
                      "скрининга."},
        "uk": {"name": "Д-р Клер Дюбуа", "role": "Дерматологиня, скринінг раку шкіри",
               "photo_alt": "Намальований портрет лікарки Клер Дюбуа в білому халаті",
               "bio": "Колишня старша лікарка лікарні Сен-Луї, Клер Дюбуа заснувала клініку у 2009 році.\n\nВона "
                      "спостерігає пацієнтів із ризиком меланоми та щороку організовує наші дні безкоштовного "
                      "скринінгу."},
        "hy": {"name": "Դոկտ. Կլեր Դյուբուա", "role": "Մաշկաբան, մաշկի քաղցկեղի սքրինինգ",
               "photo_alt": "Դոկտոր Կլեր Դյուբուայի նկարված դիմանկարը՝ սպիտակ խալաթով",
               "bio": "Սեն-Լուի հիվանդանոցի նախկին ավագ բժիշկ Կլեր Դյուբուան հիմնադրել է կլինիկան 2009 "
                      "թվականին։\n\nՆա հսկում է մելանոմայի ռիսկ ունեցող հիվանդներին և ամեն տարի կազմակերպում "
                      "մեր անվճար սքրինինգի օրերը։"},
        "es": {"name": "Dra. Claire Dubois", "role": "Dermatóloga, detección del cáncer de piel",
               "photo_alt": "Retrato dibujado de la doctora Claire Dubois, con bata blanca",
               "bio": "Antigua jefa de clínica del hospital Saint-Louis, Claire Dubois fundó la clínica en "
                      "2009.\n\nSigue a los pacientes con riesgo de melanoma y organiza cada año nuestras "
                      "jornadas de detección gratuita."},
    }),
    ("marc-lefevre", 2, True, {
        "fr": {"name": "Dr Marc Lefèvre", "role": "Dermatologue, lasers et cicatrices",
               "photo_alt": "Portrait dessiné du docteur Marc Lefèvre, avec des lunettes",
               "bio": "Marc Lefèvre pratique les traitements laser depuis vingt ans.\n\nIl enseigne la "
                      "dermatologie esthétique à l'université Paris Cité et reçoit aussi en consultation de "
                      "dermatologie générale."},
        "en": {"name": "Dr Marc Lefèvre", "role": "Dermatologist, lasers and scars",
               "photo_alt": "Drawn portrait of Dr Marc Lefèvre, wearing glasses",
               "bio": "Marc Lefèvre has been performing laser treatments for twenty years.\n\nHe teaches "
                      "aesthetic dermatology at Université Paris Cité and also sees patients for general "
                      "dermatology."},
        "ru": {"name": "Д-р Марк Лефевр", "role": "Дерматолог, лазеры и рубцы",
               "photo_alt": "Нарисованный портрет доктора Марка Лефевра в очках",
               "bio": "Марк Лефевр проводит лазерные процедуры уже двадцать лет.\n\nОн преподаёт эстетическую "
                      "дерматологию в Университете Париж Сите и также ведёт общий дерматологический приём."},
        "uk": {"name": "Д-р Марк Лефевр", "role": "Дерматолог, лазери та рубці",
               "photo_alt": "Намальований портрет лікаря Марка Лефевра в окулярах",
               "bio": "Марк Лефевр проводить лазерні процедури вже двадцять років.\n\nВін викладає естетичну "
                      "дерматологію в Університеті Париж Сіте і також веде загальний дерматологічний прийом."},
        "hy": {"name": "Դոկտ. Մարկ Լըֆևր", "role": "Մաշկաբան, լազերներ և սպիներ",
               "photo_alt": "Դոկտոր Մարկ Լըֆևրի նկարված դիմանկարը՝ ակնոցով",
               "bio": "Մարկ Լըֆևրը քսան տարի է՝ կատարում է լազերային բուժումներ։\n\nՆա դասավանդում է "
                      "գեղագիտական մաշկաբանություն Փարիզ Սիտե համալսարանում և ընդունում է նաև ընդհանուր "
                      "մաշկաբանական խորհրդատվության։"},
        "es": {"name": "Dr. Marc Lefèvre", "role": "Dermatólogo, láser y cicatrices",
               "photo_alt": "Retrato dibujado del doctor Marc Lefèvre, con gafas",
               "bio": "Marc Lefèvre realiza tratamientos láser desde hace veinte años.\n\nEnseña dermatología "
                      "estética en la Université Paris Cité y también atiende consultas de dermatología general."},
    }),
    ("anna-petrosyan", 3, False, {
        "fr": {"name": "Anna Petrossian", "role": "Infirmière",
               "photo_alt": "Portrait dessiné d'Anna Petrossian, infirmière, en tunique bleue",
               "bio": "Anna vous accueille avant chaque soin, prépare la peau et vous explique les suites.\n\nElle "
                      "parle français, arménien et russe, et répond aux questions des patients par téléphone."},
        "en": {"name": "Anna Petrosyan", "role": "Nurse",
               "photo_alt": "Drawn portrait of Anna Petrosyan, nurse, in a blue tunic",
               "bio": "Anna welcomes you before every treatment, prepares the skin and explains the aftercare."
                      "\n\nShe speaks French, Armenian and Russian, and answers patients' questions by phone."},
        "ru": {"name": "Анна Петросян", "role": "Медсестра",
               "photo_alt": "Нарисованный портрет медсестры Анны Петросян в синей тунике",
               "bio": "Анна встречает вас перед каждой процедурой, готовит кожу и объясняет, как за ней "
                      "ухаживать после.\n\nОна говорит по-французски, по-армянски и по-русски и отвечает на "
                      "вопросы пациентов по телефону."},
        "uk": {"name": "Анна Петросян", "role": "Медсестра",
               "photo_alt": "Намальований портрет медсестри Анни Петросян у синій туніці",
               "bio": "Анна зустрічає вас перед кожною процедурою, готує шкіру та пояснює, як доглядати за нею "
                      "після.\n\nВона розмовляє французькою, вірменською та російською і відповідає на питання "
                      "пацієнтів телефоном."},
        "hy": {"name": "Աննա Պետրոսյան", "role": "Բուժքույր",
               "photo_alt": "Բուժքույր Աննա Պետրոսյանի նկարված դիմանկարը՝ կապույտ համազգեստով",
               "bio": "Աննան ձեզ դիմավորում է յուրաքանչյուր բուժումից առաջ, նախապատրաստում է մաշկը և "
                      "բացատրում հետագա խնամքը։\n\nՆա խոսում է ֆրանսերեն, հայերեն և ռուսերեն և հեռախոսով "
                      "պատասխանում է հիվանդների հարցերին։"},
        "es": {"name": "Anna Petrosyan", "role": "Enfermera",
               "photo_alt": "Retrato dibujado de Anna Petrosyan, enfermera, con túnica azul",
               "bio": "Anna le recibe antes de cada tratamiento, prepara la piel y le explica los cuidados "
                      "posteriores.\n\nHabla francés, armenio y ruso, y responde por teléfono a las preguntas de "
                      "los pacientes."},
    }),
]

TAGS = {
    "sun": {"fr": "soleil", "en": "sun", "ru": "солнце", "uk": "сонце", "hy": "արև", "es": "sol"},
    "prevention": {"fr": "prévention", "en": "prevention", "ru": "профилактика", "uk": "профілактика",
                   "hy": "կանխարգելում", "es": "prevención"},
    "acne": {"fr": "acné", "en": "acne", "ru": "акне", "uk": "акне", "hy": "պզուկներ", "es": "acné"},
    "moles": {"fr": "grains de beauté", "en": "moles", "ru": "родинки", "uk": "родимки", "hy": "խալեր",
              "es": "lunares"},
}

POSTS = [  # slug, days ago, tags, {lang: fields}; body: ("heading" | "paragraph", text)
    ("sun-protection", 40, ["sun", "prevention"], {
        "fr": {"title": "Bien se protéger du soleil", "excerpt": "Les bons gestes pour un été sans coup de soleil.",
               "cover_image_alt": "Parasol, flacon de crème solaire d'indice 50 et chapeau sur une serviette",
               "body": [
                   ("paragraph", "Chaque coup de soleil abîme durablement la peau et augmente le risque de cancer "
                                 "cutané, surtout chez l'enfant. Les bons réflexes sont simples."),
                   ("heading", "Ombre, vêtements, crème"),
                   ("paragraph", "Restez à l'ombre entre 12 h et 16 h, quand le soleil est le plus fort. Un "
                                 "tee-shirt, un chapeau à larges bords et des lunettes protègent mieux que "
                                 "n'importe quelle crème."),
                   ("paragraph", "Sur la peau découverte, appliquez une crème d'indice 50 en couche généreuse, "
                                 "trente minutes avant l'exposition, et renouvelez-la toutes les deux heures et "
                                 "après chaque baignade."),
                   ("paragraph", "Les bébés de moins d'un an ne doivent jamais être exposés directement au "
                                 "soleil."),
               ]},
        "en": {"title": "Protecting yourself from the sun", "excerpt": "Good habits for a summer without sunburn.",
               "cover_image_alt": "A parasol, a bottle of SPF 50 sunscreen and a hat on a towel",
               "body": [
                   ("paragraph", "Every sunburn damages the skin for good and raises the risk of skin cancer, "
                                 "especially in children. The right habits are simple."),
                   ("heading", "Shade, clothes, sunscreen"),
                   ("paragraph", "Stay in the shade between noon and 4 pm, when the sun is strongest. A T-shirt, "
                                 "a wide-brimmed hat and sunglasses protect better than any cream."),
                   ("paragraph", "On bare skin, apply a generous layer of SPF 50 sunscreen thirty minutes before "
                                 "going out, and again every two hours and after every swim."),
                   ("paragraph", "Babies under one year old should never be exposed directly to the sun."),
               ]},
        "ru": {"title": "Как защититься от солнца", "excerpt": "Правильные привычки для лета без ожогов.",
               "cover_image_alt": "Зонт, флакон солнцезащитного крема SPF 50 и шляпа на полотенце",
               "body": [
                   ("paragraph", "Каждый солнечный ожог надолго повреждает кожу и повышает риск рака кожи, "
                                 "особенно у детей. Правильные привычки просты."),
                   ("heading", "Тень, одежда, крем"),
                   ("paragraph", "Оставайтесь в тени с 12 до 16 часов, когда солнце сильнее всего. Футболка, "
                                 "шляпа с широкими полями и очки защищают лучше любого крема."),
                   ("paragraph", "На открытую кожу наносите крем SPF 50 толстым слоем за тридцать минут до "
                                 "выхода на солнце и обновляйте его каждые два часа и после каждого купания."),
                   ("paragraph", "Детей до года нельзя держать под прямыми солнечными лучами."),
               ]},
        "uk": {"title": "Як захиститися від сонця", "excerpt": "Правильні звички для літа без опіків.",
               "cover_image_alt": "Парасоля, флакон сонцезахисного крему SPF 50 і капелюх на рушнику",
               "body": [
                   ("paragraph", "Кожен сонячний опік надовго пошкоджує шкіру та підвищує ризик раку шкіри, "
                                 "особливо в дітей. Правильні звички прості."),
                   ("heading", "Тінь, одяг, крем"),
                   ("paragraph", "Залишайтеся в тіні з 12 до 16 години, коли сонце найсильніше. Футболка, "
                                 "капелюх із широкими крисами та окуляри захищають краще за будь-який крем."),
                   ("paragraph", "На відкриту шкіру наносьте крем SPF 50 щедрим шаром за тридцять хвилин до "
                                 "виходу на сонце й оновлюйте його кожні дві години та після кожного купання."),
                   ("paragraph", "Немовлят до року не можна тримати під прямим сонячним промінням."),
               ]},
        "hy": {"title": "Ինչպես պաշտպանվել արևից", "excerpt": "Ճիշտ սովորություններ՝ առանց արևայրուքի ամռան համար։",
               "cover_image_alt": "Հովանոց, SPF 50 արևապաշտպան կրեմի շիշ և գլխարկ սրբիչի վրա",
               "body": [
                   ("paragraph", "Յուրաքանչյուր արևայրուք երկարատև վնասում է մաշկը և մեծացնում մաշկի քաղցկեղի "
                                 "ռիսկը, հատկապես երեխաների մոտ։ Ճիշտ սովորությունները պարզ են։"),
                   ("heading", "Ստվեր, հագուստ, կրեմ"),
                   ("paragraph", "Մնացեք ստվերում ժամը 12-ից 16-ը, երբ արևն ամենաուժեղն է։ Շապիկը, լայնեզր "
                                 "գլխարկը և ակնոցը պաշտպանում են ավելի լավ, քան ցանկացած կրեմ։"),
                   ("paragraph", "Բաց մաշկին քսեք SPF 50 կրեմ՝ առատ շերտով, արև դուրս գալուց երեսուն րոպե "
                                 "առաջ, և թարմացրեք այն երկու ժամը մեկ և յուրաքանչյուր լողանալուց հետո։"),
                   ("paragraph", "Մինչև մեկ տարեկան երեխաներին երբեք չի կարելի պահել արևի ուղիղ "
                                 "ճառագայթների տակ։"),
               ]},
        "es": {"title": "Protegerse del sol", "excerpt": "Buenos hábitos para un verano sin quemaduras.",
               "cover_image_alt": "Una sombrilla, un protector solar de factor 50 y un sombrero sobre una toalla",
               "body": [
                   ("paragraph", "Cada quemadura solar daña la piel de forma duradera y aumenta el riesgo de "
                                 "cáncer de piel, sobre todo en los niños. Los buenos hábitos son sencillos."),
                   ("heading", "Sombra, ropa, protector"),
                   ("paragraph", "Quédese a la sombra entre las 12 y las 16 h, cuando el sol es más fuerte. Una "
                                 "camiseta, un sombrero de ala ancha y gafas de sol protegen mejor que cualquier "
                                 "crema."),
                   ("paragraph", "En la piel descubierta, aplique un protector de factor 50 en capa generosa "
                                 "treinta minutos antes de exponerse, y renuévelo cada dos horas y después de "
                                 "cada baño."),
                   ("paragraph", "Los bebés de menos de un año nunca deben exponerse directamente al sol."),
               ]},
    }),
    ("acne-adults", 20, ["acne"], {
        "fr": {"title": "L'acné de l'adulte", "excerpt": "Elle se soigne, même après 25 ans.",
               "cover_image_alt": "Adulte de profil appliquant un soin sur une joue marquée de boutons",
               "body": [
                   ("paragraph", "L'acné n'est pas réservée aux adolescents : une femme sur quatre en souffre "
                                 "encore après 25 ans, souvent sur le bas du visage."),
                   ("heading", "Pourquoi consulter ?"),
                   ("paragraph", "Les produits vendus sans ordonnance suffisent rarement et certains aggravent "
                                 "les boutons. Le dermatologue recherche une cause hormonale ou un médicament en "
                                 "cause, puis propose un traitement adapté à votre peau."),
                   ("paragraph", "Crèmes, comprimés ou, dans les formes sévères, isotrétinoïne : un traitement "
                                 "bien suivi donne de bons résultats en trois à six mois et évite les cicatrices."),
               ]},
        "en": {"title": "Adult acne", "excerpt": "It can be treated, even after 25.",
               "cover_image_alt": "An adult in profile applying a cream to a cheek with spots",
               "body": [
                   ("paragraph", "Acne is not just for teenagers: one woman in four still has it after 25, often "
                                 "on the lower face."),
                   ("heading", "Why see a dermatologist?"),
                   ("paragraph", "Over-the-counter products are rarely enough, and some make spots worse. The "
                                 "dermatologist looks for a hormonal cause or a medicine to blame, then suggests a "
                                 "treatment suited to your skin."),
                   ("paragraph", "Creams, tablets or, in severe forms, isotretinoin: a treatment taken properly "
                                 "gives good results in three to six months and prevents scars."),
               ]},
        "ru": {"title": "Акне у взрослых", "excerpt": "Его можно вылечить и после 25 лет.",
               "cover_image_alt": "Взрослый человек в профиль наносит крем на щёку с высыпаниями",
               "body": [
                   ("paragraph", "Акне бывает не только у подростков: каждая четвёртая женщина страдает от него "
                                 "и после 25 лет, чаще всего на нижней части лица."),
                   ("heading", "Зачем идти к дерматологу?"),
                   ("paragraph", "Средств без рецепта редко бывает достаточно, а некоторые усиливают высыпания. "
                                 "Дерматолог ищет гормональную причину или лекарство, которое их вызывает, и "
                                 "подбирает лечение для вашей кожи."),
                   ("paragraph", "Кремы, таблетки или, в тяжёлых случаях, изотретиноин: правильно проведённое "
                                 "лечение даёт хороший результат за три–шесть месяцев и предотвращает рубцы."),
               ]},
        "uk": {"title": "Акне у дорослих", "excerpt": "Його можна вилікувати й після 25 років.",
               "cover_image_alt": "Доросла людина в профіль наносить крем на щоку з висипаннями",
               "body": [
                   ("paragraph", "Акне буває не лише в підлітків: кожна четверта жінка має його й після 25 "
                                 "років, найчастіше на нижній частині обличчя."),
                   ("heading", "Навіщо йти до дерматолога?"),
                   ("paragraph", "Засобів без рецепта рідко буває достатньо, а деякі посилюють висипання. "
                                 "Дерматолог шукає гормональну причину або ліки, що їх спричиняють, і добирає "
                                 "лікування для вашої шкіри."),
                   ("paragraph", "Креми, таблетки або, у важких випадках, ізотретиноїн: правильно проведене "
                                 "лікування дає добрий результат за три–шість місяців і запобігає рубцям."),
               ]},
        "hy": {"title": "Մեծահասակների պզուկներ", "excerpt": "Դրանք բուժելի են նաև 25 տարեկանից հետո։",
               "cover_image_alt": "Մեծահասակը պրոֆիլով քսուք է քսում պզուկներով այտին",
               "body": [
                   ("paragraph", "Պզուկները միայն դեռահասներինը չեն․ չորս կնոջից մեկը դրանք ունենում է նաև 25 "
                                 "տարեկանից հետո, հաճախ՝ դեմքի ստորին հատվածում։"),
                   ("heading", "Ինչո՞ւ դիմել մաշկաբանի"),
                   ("paragraph", "Առանց դեղատոմսի վաճառվող միջոցները հազվադեպ են բավարարում, իսկ որոշները "
                                 "վատթարացնում են վիճակը։ Մաշկաբանը փնտրում է հորմոնալ պատճառը կամ դրանք "
                                 "առաջացնող դեղը և առաջարկում ձեր մաշկին համապատասխան բուժում։"),
                   ("paragraph", "Քսուքներ, դեղահաբեր կամ, ծանր դեպքերում, իզոտրետինոին․ ճիշտ կիրառված "
                                 "բուժումը լավ արդյունք է տալիս երեքից վեց ամսում և կանխում է սպիները։"),
               ]},
        "es": {"title": "El acné en adultos", "excerpt": "Se trata, incluso después de los 25.",
               "cover_image_alt": "Un adulto de perfil aplicando una crema en una mejilla con granos",
               "body": [
                   ("paragraph", "El acné no es solo cosa de adolescentes: una de cada cuatro mujeres lo sigue "
                                 "teniendo después de los 25, a menudo en la parte baja de la cara."),
                   ("heading", "¿Por qué consultar?"),
                   ("paragraph", "Los productos sin receta rara vez bastan y algunos empeoran los granos. El "
                                 "dermatólogo busca una causa hormonal o un medicamento responsable y le propone "
                                 "un tratamiento adaptado a su piel."),
                   ("paragraph", "Cremas, comprimidos o, en las formas graves, isotretinoína: un tratamiento bien "
                                 "seguido da buenos resultados en tres a seis meses y evita las cicatrices."),
               ]},
    }),
    ("moles-check", 5, ["prevention", "moles"], {
        "fr": {"title": "Surveiller ses grains de beauté", "excerpt": "La règle ABCDE expliquée simplement.",
               "cover_image_alt": "Les cinq critères ABCDE illustrés par cinq grains de beauté",
               "body": [
                   ("paragraph", "La plupart des grains de beauté restent bénins toute la vie. Quelques signes "
                                 "doivent pourtant vous faire consulter rapidement."),
                   ("heading", "La règle ABCDE"),
                   ("paragraph", "A comme asymétrie, B comme bords irréguliers, C comme couleur non homogène, D "
                                 "comme diamètre de plus de 6 mm, E comme évolution : un grain de beauté qui "
                                 "change doit être montré à un dermatologue."),
                   ("paragraph", "Pensez aussi au « vilain petit canard » : un grain de beauté qui ne ressemble "
                                 "à aucun autre mérite un examen, même s'il est petit."),
               ]},
        "en": {"title": "Keeping an eye on your moles", "excerpt": "The ABCDE rule, simply explained.",
               "cover_image_alt": "The five ABCDE criteria shown by five moles",
               "body": [
                   ("paragraph", "Most moles stay harmless all your life. A few signs should still make you see "
                                 "a doctor quickly."),
                   ("heading", "The ABCDE rule"),
                   ("paragraph", "A for asymmetry, B for irregular borders, C for uneven colour, D for a diameter "
                                 "over 6 mm, E for evolution: a mole that changes should be shown to a "
                                 "dermatologist."),
                   ("paragraph", "Think of the \"ugly duckling\" too: a mole that looks like no other deserves an "
                                 "examination, even if it is small."),
               ]},
        "ru": {"title": "Следите за родинками", "excerpt": "Правило ABCDE простыми словами.",
               "cover_image_alt": "Пять критериев ABCDE на примере пяти родинок",
               "body": [
                   ("paragraph", "Большинство родинок остаются доброкачественными всю жизнь. Но некоторые "
                                 "признаки — повод быстро обратиться к врачу."),
                   ("heading", "Правило ABCDE"),
                   ("paragraph", "A — асимметрия, B — неровные края, C — неоднородный цвет, D — диаметр больше "
                                 "6 мм, E — изменения: родинку, которая меняется, нужно показать дерматологу."),
                   ("paragraph", "Помните и о «гадком утёнке»: родинка, не похожая ни на одну другую, "
                                 "заслуживает осмотра, даже если она маленькая."),
               ]},
        "uk": {"title": "Стежте за родимками", "excerpt": "Правило ABCDE простими словами.",
               "cover_image_alt": "П'ять критеріїв ABCDE на прикладі п'яти родимок",
               "body": [
                   ("paragraph", "Більшість родимок залишаються доброякісними все життя. Але деякі ознаки — "
                                 "привід швидко звернутися до лікаря."),
                   ("heading", "Правило ABCDE"),
                   ("paragraph", "A — асиметрія, B — нерівні краї, C — неоднорідний колір, D — діаметр понад "
                                 "6 мм, E — зміни: родимку, яка змінюється, треба показати дерматологу."),
                   ("paragraph", "Пам'ятайте і про «гидке каченя»: родимка, не схожа на жодну іншу, заслуговує "
                                 "на огляд, навіть якщо вона маленька."),
               ]},
        "hy": {"title": "Հետևեք ձեր խալերին", "excerpt": "ABCDE կանոնը՝ պարզ բառերով։",
               "cover_image_alt": "ABCDE հինգ չափանիշները՝ հինգ խալերի օրինակով",
               "body": [
                   ("paragraph", "Խալերի մեծ մասը ամբողջ կյանքում մնում է բարորակ։ Սակայն որոշ նշաններ "
                                 "պետք է ստիպեն ձեզ արագ դիմել բժշկի։"),
                   ("heading", "ABCDE կանոնը"),
                   ("paragraph", "A՝ անհամաչափություն, B՝ անհարթ եզրեր, C՝ անհավասար գույն, D՝ 6 մմ-ից մեծ "
                                 "տրամագիծ, E՝ փոփոխություն․ փոփոխվող խալը պետք է ցույց տալ մաշկաբանին։"),
                   ("paragraph", "Հիշեք նաև «տգեղ ճուտիկի» մասին․ մյուսներից տարբերվող խալը արժանի է "
                                 "զննման, նույնիսկ եթե փոքր է։"),
               ]},
        "es": {"title": "Vigilar los lunares", "excerpt": "La regla ABCDE, explicada con sencillez.",
               "cover_image_alt": "Los cinco criterios ABCDE ilustrados con cinco lunares",
               "body": [
                   ("paragraph", "La mayoría de los lunares son benignos toda la vida. Aun así, algunas señales "
                                 "deben hacerle consultar pronto."),
                   ("heading", "La regla ABCDE"),
                   ("paragraph", "A de asimetría, B de bordes irregulares, C de color desigual, D de diámetro "
                                 "mayor de 6 mm, E de evolución: un lunar que cambia debe verlo un dermatólogo."),
                   ("paragraph", "Piense también en el «patito feo»: un lunar que no se parece a ningún otro "
                                 "merece un examen, aunque sea pequeño."),
               ]},
    }),
]

# The illustrations (cms/website/illustrations/<key>.svg), each with its title and, in French, the
# description Wagtail keeps with the image (each page says what it shows in its own language).
IMAGES = {
    "hero": ("Salle d'attente", "Salle d'attente lumineuse de la clinique"),
    "medical-dermatology": ("Consultation", "Une dermatologue reçoit une patiente en consultation"),
    "laser-treatments": ("Laser", "Appareil laser médical traitant une petite zone de peau"),
    "skin-cancer-screening": ("Dermatoscope", "Dermatoscope posé sur un grain de beauté"),
    "sun-protection": ("Soleil", "Parasol, crème solaire d'indice 50 et chapeau"),
    "acne-adults": ("Soin du visage", "Adulte appliquant un soin sur son visage"),
    "moles-check": ("Règle ABCDE", "Les cinq critères ABCDE des grains de beauté"),
    "promotion": ("Mois du dépistage", "Calendrier et loupe sur un grain de beauté"),
    "claire-dubois": ("Claire Dubois", "Portrait dessiné du docteur Claire Dubois"),
    "marc-lefevre": ("Marc Lefèvre", "Portrait dessiné du docteur Marc Lefèvre"),
    "anna-petrosyan": ("Anna Petrossian", "Portrait dessiné d'Anna Petrossian, infirmière"),
}
